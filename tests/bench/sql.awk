# sql.awk - turns a gen.awk batch into the SQL that loads the same rows
# straight into tok's schema: per record one txn row and two posting rows,
# as tok-earn writes them.  SQLite cannot hash, so prev_hash and hash are
# constant 64-hex strings (the same width as tok's SHA-256 chain).
#
# Amounts must carry exactly two decimals, as gen.awk writes them.
#
#   awk -v first=1 -v date=D -v recorded=T -v actor=U -f sql.awk FILE
BEGIN {
	FS = "\t"
	if (first == "")
		first = 1
	h = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	txid = first - 1
}
NR == 1 { next }		# the header
{
	split($2, a, ".")
	units = a[1] * 100 + a[2]
	txid++
	printf "INSERT INTO txn(txid, ref, type, date, recorded, actor, memo, " \
	    "reverses, prev_hash, hash) VALUES (%d, '%s', 'earn', '%s', '%s', " \
	    "'%s', '', NULL, '%s', '%s');\n", txid, $3, date, recorded, actor,
	    h, h
	printf "INSERT INTO posting(txid, seq, account, amount) VALUES " \
	    "(%d, 1, 'platform:issued', %d);\n", txid, -units
	printf "INSERT INTO posting(txid, seq, account, amount) VALUES " \
	    "(%d, 2, '%s', %d);\n", txid, $1, units
}
