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

# One UEFI entry [a, b) of type number t, specific purpose or not.
function efi(a, b, t, sp) {
	ne++
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
	efi(hex(q[1]), hex(q[2]) + incl, efi_type(p[1]), $0 ~ /\|SP\|/)
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
	efi(hex(q[1]), hex(q[2]) + incl, t, sp)
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
	efi(hex(q[1]), hex(q[2]) + 1, efi_type(p[1]), $0 ~ /\|SP\|/)
	next
}

END {
	if (ne) {
		printf "memory_bytes=%.0f\nreserved_bytes=%.0f\n", efi_mem, efi_res
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
		if (pgdn(b) > pgup(a))
			mem += pgdn(b) - pgup(a)
	}
	printf "memory_bytes=%.0f\nreserved_bytes=%.0f\n", mem, res
}
