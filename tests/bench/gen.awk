# gen.awk - benchmark input for tok-earn: a TSV batch with header
# "worker amount ref" (tab-separated) and n records: workers w00001..w01000
# in turn (w = number of distinct workers), amounts 0.01..655.36 with two
# decimals, refs PREFIX0000001.. (unique within one run).
#
#   awk -v n=1000000 [-v workers=1000] [-v prefix=bench-] -f gen.awk
#
# Deterministic: the same n, workers and prefix give the same file.
BEGIN {
	if (n == "")
		n = 1000
	if (workers == "")
		workers = 1000
	if (prefix == "")
		prefix = "bench-"
	print "worker\tamount\tref"
	c = 12345		# LCG mod 2^24 (full period), exact in a double
	for (i = 1; i <= n; i++) {
		c = (c * 1664525 + 1013904223) % 16777216
		cents = int(c / 256) % 99999 + 1
		printf "w%05d\t%d.%02d\t%s%07d\n", (i - 1) % workers + 1,
		    int(cents / 100), cents % 100, prefix, i
	}
}
