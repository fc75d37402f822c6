# A second, independent reading of a fixture map, in awk, to check emmap's
# totals against (tests/emmap/run.sh). It knows only the formats of the
# fixtures and the loaders' documented policy:
#
#   e820: memory = every usable ("System RAM") run, touching entries
#         joined, trimmed inward to 4 KiB pages; reserved = soft reserved.
#   UEFI: memory = Loader/Boot Services Code/Data, Conventional (without
#         the SP attribute); reserved = Loader Code/Data ("efi-loader")
#         plus memory types with SP ("soft-reserved").
#
# The UEFI map wins when a file has both; the user: map is used only when
# there is no other. Prints "memory_bytes=N" and "reserved_bytes=N".
# Numbers are doubles: exact below 2^53, plenty for the fixtures.
#
# With -v order=K it also prints what em_handoff() with release_block and
# max order K must give (emmap --handoff-order K): the free pieces are the
# memory runs minus the reservations inside memory (UEFI: Loader
# Code/Data), split where the memory attributes change (MR: mirrored),
# and handoff_blocks is, per piece of pages [a, b), the fewest naturally
# aligned blocks of at most 2^K pages, by a closed form independent of the
# library's greedy walk: M is the point of [a, b] divisible by the largest
# power of two; [a, M) and [M, b) are each shorter than that power, so
# each takes floor(L / 2^K) + popcount(L mod 2^K) blocks (L its length).
# Maps without SRAT lines only (SRAT nodes split pieces too).

function hex(s,    i, c, v) {
	s = tolower(s)
	sub(/^0x/, "", s)
	v = 0
	for (i = 1; i <= length(s); i++) {
		c = index("0123456789abcdef", substr(s, i, 1))
		if (!c)
			break
		v = v * 16 + c - 1
	}
	return v
}

function pgup(x) { return x % 4096 ? x - x % 4096 + 4096 : x }
function pgdn(x) { return x - x % 4096 }
function trim(s) { gsub(/^[ \t(]+|[ \t)\r]+$/, "", s); return s }

# One e820 entry [a, b) of type name t into list k ("e820" or "user").
function e820(k, a, b, t) {
	n[k]++
	lo[k, n[k]] = a
	hi[k, n[k]] = b
	ty[k, n[k]] = t
}

# One UEFI entry [a, b) of type number t, specific purpose or not, mirrored or not.
function efi(a, b, t, sp, mr) {
	ne++
	elo[ne] = a
	ehi[ne] = b
	ecls[ne] = sp ? "" : (t == 3 || t == 4 || t == 7) ? "free" mr : (t == 1 || t == 2) ? "res" : ""
	if (t == 1 || t == 2 || t == 3 || t == 4 || t == 7) {
		if (sp)
			efi_res += b - a
		else
			efi_mem += b - a
		if (!sp && (t == 1 || t == 2))
			efi_res += b - a
	}
}

function efi_type(name) {
	name = tolower(name)
	gsub(/ /, "", name)
	if (name ~ /^conventional/) return 7
	if (name == "loadercode") return 1
	if (name == "loaderdata") return 2
	if (name == "bootcode") return 3
	if (name == "bootdata") return 4
	return 0 # any type that is not memory
}

# BIOS-e820: [mem 0xA-0xB] TYPE      (end inclusive)
/BIOS-e820: \[mem 0x/ || /user: \[mem 0x/ {
	k = $0 ~ /user: \[mem/ ? "user" : "e820"
	s = $0
	sub(/.*\[mem /, "", s)
	split(s, p, /[-\]]/)
	t = s
	sub(/^[^\]]*\]/, "", t)
	e820(k, hex(p[1]), hex(p[2]) + 1, trim(t))
	next
}

# BIOS-e820: A - B (TYPE)            (legacy, end exclusive)
/BIOS-e820: [0-9a-f]+ - [0-9a-f]+/ {
	s = $0
	sub(/.*BIOS-e820: /, "", s)
	split(s, p, / - | /)
	t = s
	sub(/^[0-9a-f]+ - [0-9a-f]+/, "", t)
	e820("e820", hex(p[1]), hex(p[2]), trim(t))
	next
}

# (XEN)  [A, B] (TYPE)               (end inclusive)
/\(XEN\).*\[[0-9a-f]+, [0-9a-f]+\]/ {
	s = $0
	sub(/.*\[[0-9a-f]+\] +\[/, "", s) # the timestamp
	sub(/^[^[]*\[/, "", s)
	split(s, p, /, |\]/)
	t = s
	sub(/^[^\]]*\]/, "", t)
	e820("e820", hex(p[1]), hex(p[2]) + 1, trim(t))
	next
}

# efi: memNN: [Type|...|SP|...] range=[0xA-0xB] or [0xA-0xB)
/efi: mem[0-9]+: \[/ {
	s = $0
	sub(/.*efi: mem[0-9]+: \[/, "", s)
	split(s, p, /\|/)
	r = $0
	sub(/.*range=\[/, "", r)
	split(r, q, /[-\])]/)
	incl = r ~ /^[0-9a-fx]+-[0-9a-fx]+\]/
	efi(hex(q[1]), hex(q[2]) + incl, efi_type(p[1]), $0 ~ /\|SP\|/, $0 ~ /\|MR\|/)
	next
}

# efi: memNN: type=T, attr=0xA, range=[0xA-0xB)
/efi: mem[0-9]+: type=/ {
	s = $0
	sub(/.*type=/, "", s)
	t = s + 0
	a = s
	sub(/.*attr=/, "", a)
	sub(/,.*/, "", a)
	r = $0
	sub(/.*range=\[/, "", r)
	split(r, q, /[-\])]/)
	incl = r ~ /^[0-9a-fx]+-[0-9a-fx]+\]/
	# SP is bit 18 of the attribute: hex digit 5 from the right, bit 2.
	d = substr(a, length(a) - 4, 1)
	sp = length(a) >= 7 && index("4567cdefCDEF", d) > 0
	# MORE_RELIABLE is bit 16: hex digit 5 from the right, bit 0.
	mr = length(a) >= 7 && index("13579bdfBDF", d) > 0
	efi(hex(q[1]), hex(q[2]) + incl, t, sp, mr)
	next
}

# efi:   0xA-0xB [Type|...]          (arm64, end inclusive)
/efi: +0x[0-9a-f]+-0x[0-9a-f]+ \[/ {
	s = $0
	sub(/.*efi: +/, "", s)
	split(s, q, /[- ]/)
	t = s
	sub(/^[^[]*\[/, "", t)
	split(t, p, /\|/)
	efi(hex(q[1]), hex(q[2]) + 1, efi_type(p[1]), $0 ~ /\|SP\|/, $0 ~ /\|MR\|/)
	next
}

# Length L in pages as blocks of at most 2^K pages, from an end aligned beyond L.
function side(L, K,    c) {
	c = int(L / P[K])
	L -= c * P[K]
	while (L > 0) {
		c += L % 2
		L = int(L / 2)
	}
	return c
}

# The fewest naturally aligned blocks of at most 2^K pages covering pfns [a, b).
function minblocks(a, b, K,    j, m) {
	if (a >= b)
		return 0
	for (j = 52; j > 0; j--) {
		m = int((a + P[j] - 1) / P[j]) * P[j]
		if (m <= b)
			break
	}
	if (j == 0)
		m = a
	return side(m - a, K) + side(b - m, K)
}

# One free piece [a, b) in bytes, page aligned.
function piece(a, b) {
	if (pgdn(b) > pgup(a)) {
		h_rel += pgdn(b) - pgup(a)
		h_blk += minblocks(pgup(a) / 4096, pgdn(b) / 4096, order)
	}
	h_trim += b - a - (pgdn(b) > pgup(a) ? pgdn(b) - pgup(a) : 0)
}

function handoff(    i, j, t, a, b, c) {
	if (order == "")
		return
	# UEFI entries in address order (insertion sort: a few hundred at most).
	for (i = 2; i <= ne; i++) {
		a = elo[i]; b = ehi[i]; c = ecls[i]
		for (j = i - 1; j >= 1 && elo[j] > a; j--) {
			elo[j + 1] = elo[j]; ehi[j + 1] = ehi[j]; ecls[j + 1] = ecls[j]
		}
		elo[j + 1] = a; ehi[j + 1] = b; ecls[j + 1] = c
	}
	a = b = -1
	c = ""
	for (i = 1; i <= ne; i++) {
		if (ecls[i] ~ /^free/ && ecls[i] == c && elo[i] == b) {
			b = ehi[i]
			continue
		}
		if (c != "")
			piece(a, b)
		c = ecls[i] ~ /^free/ ? ecls[i] : ""
		a = elo[i]
		b = ehi[i]
		if (ecls[i] == "res")
			h_res += b - a
	}
	if (c != "")
		piece(a, b)
	printf "handoff_released_bytes=%.0f\nhandoff_blocks=%.0f\n", h_rel, h_blk
	printf "handoff_reserved_bytes=%.0f\nhandoff_trimmed_bytes=%.0f\n", h_res, h_trim
}

BEGIN {
	P[0] = 1
	for (i = 1; i <= 52; i++)
		P[i] = P[i - 1] * 2
}

END {
	if (ne) {
		printf "memory_bytes=%.0f\nreserved_bytes=%.0f\n", efi_mem, efi_res
		handoff()
		exit
	}
	k = n["e820"] ? "e820" : "user"
	mem = res = 0
	for (i = 1; i <= n[k]; i++) {
		if (ty[k, i] == "soft reserved")
			res += hi[k, i] - lo[k, i]
		if (ty[k, i] != "usable" && ty[k, i] != "System RAM")
			continue
		a = lo[k, i]
		b = hi[k, i]
		while (i < n[k] && lo[k, i + 1] == b &&
		       (ty[k, i + 1] == "usable" || ty[k, i + 1] == "System RAM"))
			b = hi[k, ++i]
		if (pgdn(b) > pgup(a)) {
			mem += pgdn(b) - pgup(a)
			# e820 memory holds no reservation: each run is one free piece.
			ne++
			elo[ne] = pgup(a)
			ehi[ne] = pgdn(b)
			ecls[ne] = "free"
		}
	}
	printf "memory_bytes=%.0f\nreserved_bytes=%.0f\n", mem, res
	handoff()
}
