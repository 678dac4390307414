# copy.awk - turns a gen.awk batch into the rows tok-earn writes, as two
# files for PostgreSQL's COPY (text format: tab-separated, \N for NULL):
# txn rows into the file named by txn, posting rows into the file named
# by posting.  The same rows as sql.awk writes as INSERTs: txids from
# first, constant 64-hex hashes (psql does not hash), the platform's
# posting first and the worker's second.
#
# Amounts must carry exactly two decimals, as gen.awk writes them.
#
#   awk -v txn=T -v posting=P [-v first=1] -v date=D -v recorded=R \
#       -v actor=U -f copy.awk FILE
BEGIN {
	FS = "\t"
	OFS = "\t"
	if (first == "")
		first = 1
	if (txn == "" || posting == "") {
		print "copy.awk: -v txn=FILE -v posting=FILE needed" > "/dev/stderr"
		exit 2
	}
	h = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	txid = first - 1
}
NR == 1 { next }		# the header
{
	split($2, a, ".")
	units = a[1] * 100 + a[2]
	txid++
	print txid, $3, "earn", date, recorded, actor, "", "\\N", h, h > txn
	print txid, 1, "platform:issued", -units > posting
	print txid, 2, $1, units > posting
}
