# The API reference renderer behind tools/apidoc.sh (POSIX awk; see there).
#
#   awk -v outdir=DIR -v incdir=include -f tools/apidoc.awk \
#       pass=1 HEADERS... pass=2 HEADERS...
#
# Pass 1 parses every header, records each item (function, macro, struct,
# enum) with its anchor and summary, and reports what is undocumented or
# malformed on stderr. Pass 2 writes DIR/<header>.md, and the END rule
# DIR/README.md (the index). The exit status is 1 if pass 1 found a
# problem.
#
# A header is read as: the SPDX line; the header comment (the first plain
# comment: the page's introduction); banners (a /* ---- */ line followed by
# a one-line comment: a section heading); groups of preprocessor lines,
# with the plain comment just above them (rendered as prose and a code
# block); and items: a kernel-doc comment
#
#   /**
#    * name() - summary            (struct name - / enum name - for types)
#    * @param: description
#    *
#    * Paragraphs, "- " list items, indented code lines after a ':' line.
#    *
#    * Return: what it returns.
#    */
#
# followed (blank lines and forward declarations may stand between) by the
# declaration it names: a prototype, a static inline function, a
# struct / enum / union definition or a #define. Every function prototype,
# static inline function, struct / enum / union and lowercase function-like
# macro needs such a comment naming it.

BEGIN {
	# Prose tokens rendered as code spans: string literals, @param
	# references, struct / enum names, calls, identifiers with an
	# underscore (EM_ENOMEM, release_range, EM_ALLOC_*), and ranges
	# such as [@base, @base + @size).
	TOK = "\"[^\" ]*\"|\\*?@[A-Za-z_][A-Za-z0-9_]*(->[A-Za-z_][A-Za-z0-9_]*)*" \
	      "|(struct|enum|union) [a-z_][a-z0-9_]*" \
	      "|[A-Za-z_][A-Za-z0-9_*]*\\([^()]*\\)" \
	      "|[A-Za-z0-9./]*_[A-Za-z0-9_./]*[A-Za-z0-9_*]" \
	      "|\\[[^][()]*\\)"
	PARAM = "^@[A-Za-z_][A-Za-z0-9_]*(,[ \t]*@[A-Za-z_][A-Za-z0-9_]*)*:"
	errs = 0
	nitems = 0
	nfiles = 0
}

# ---------------------------------------------------------------------------
# Text helpers

function trim(s)
{
	sub(/^[ \t]+/, "", s)
	sub(/[ \t]+$/, "", s)
	return s
}

function err(msg, line)
{
	if (fpass == 1) {
		printf "%s:%d: %s\n", FILENAME, line ? line : FNR, msg > "/dev/stderr"
		errs++
	}
}

# Markdown-escape plain text (one paragraph a line, so only inline syntax
# matters; "|" only in tables).
function esc(s, intable,    out, i, c)
{
	out = ""
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (index("\\`*_[]<", c) || (intable && c == "|"))
			out = out "\\" c
		else
			out = out c
	}
	return out
}

# A token as a code span, linked to its item when it names one.
function code(t, intable,    c, name, href)
{
	c = t
	gsub(/@/, "", c)
	name = ""
	if (match(c, /^[A-Za-z_][A-Za-z0-9_]*\(/))
		name = substr(c, 1, RLENGTH - 1)
	else if (c ~ /^(struct|enum|union) /)
		name = c
	if (intable)
		gsub(/\|/, "\\|", c)
	c = "`" c "`"
	if (name != "" && (name in item_md)) {
		href = "#" item_anchor[name]
		if (item_md[name] != cur_md || intable)
			href = item_md[name] href
		c = "[" c "](" href ")"
	}
	return c
}

# Render prose: tokens as code spans, the rest escaped.
function fmt(s, intable,    out, pre, tok)
{
	out = ""
	while (match(s, TOK)) {
		pre = substr(s, 1, RSTART - 1)
		tok = substr(s, RSTART, RLENGTH)
		s = substr(s, RSTART + RLENGTH)
		out = out esc(pre, intable) code(tok, intable)
	}
	return out esc(s, intable)
}

# GitHub's heading anchor: lower case, punctuation dropped, spaces to '-'.
function slug(h,    out, i, c)
{
	h = tolower(h)
	out = ""
	for (i = 1; i <= length(h); i++) {
		c = substr(h, i, 1)
		if (c == " ")
			out = out "-"
		else if (c ~ /[a-z0-9_-]/)
			out = out c
	}
	return out
}

# A summary starting with a plain word starts with a capital.
function cap(s)
{
	if (s ~ /^[a-z]+[ ,;:.]/)
		return toupper(substr(s, 1, 1)) substr(s, 2)
	return s
}

# The first sentence of a summary (for tables).
function first_sentence(s)
{
	if (match(s, /\.[ \t]+[A-Z]/))
		return substr(s, 1, RSTART)
	return s
}

function emit(s)
{
	if (fpass == 2)
		print s > cur_out
}

# ---------------------------------------------------------------------------
# Comment bodies: params (p_*) and blocks (b_*: p paragraph, li list item,
# ret Return:, code) from lines t[from..n].

function parse_body(t, n, from,    i, s, st)
{
	p_n = 0
	b_n = 0
	st = ""
	for (i = from; i <= n; i++) {
		s = t[i]
		if (s ~ /^[ \t]*$/) {
			st = ""
			continue
		}
		if (s ~ PARAM) {
			match(s, PARAM)
			p_names[++p_n] = substr(s, 1, RLENGTH - 1)
			p_text[p_n] = trim(substr(s, RLENGTH + 1))
			st = "param"
			continue
		}
		if (st == "param") {
			p_text[p_n] = p_text[p_n] " " trim(s)
			continue
		}
		if (s ~ /^Return:/) {
			b_kind[++b_n] = "ret"
			b_text[b_n] = trim(substr(s, 8))
			st = "ret"
			continue
		}
		if (s ~ /^- /) {
			b_kind[++b_n] = "li"
			b_text[b_n] = trim(substr(s, 3))
			st = "li"
			continue
		}
		if (s ~ /^  / && (st == "" || st == "code" || (st == "p" && b_text[b_n] ~ /:$/))) {
			if (st == "code") {
				b_text[b_n] = b_text[b_n] "\n" trim(s)
			} else {
				b_kind[++b_n] = "code"
				b_text[b_n] = trim(s)
			}
			st = "code"
			continue
		}
		if (st == "p" || st == "li" || st == "ret") {
			b_text[b_n] = b_text[b_n] " " trim(s)
			continue
		}
		b_kind[++b_n] = "p"
		b_text[b_n] = trim(s)
		st = "p"
	}
}

function emit_body(    i)
{
	if (p_n) {
		for (i = 1; i <= p_n; i++)
			emit("- " fmt(p_names[i]) ": " fmt(p_text[i]))
		emit("")
	}
	for (i = 1; i <= b_n; i++) {
		if (b_kind[i] == "li") {
			emit("- " fmt(b_text[i]))
			if (i == b_n || b_kind[i + 1] != "li")
				emit("")
		} else if (b_kind[i] == "code") {
			emit("```")
			emit(b_text[i])
			emit("```")
			emit("")
		} else if (b_kind[i] == "ret") {
			emit("**Return:** " fmt(b_text[i]))
			emit("")
		} else {
			emit(fmt(b_text[i]))
			emit("")
		}
	}
}

# ---------------------------------------------------------------------------
# Per file

function begin_file(    base)
{
	fpass = pass
	base = FILENAME
	sub(/.*\//, "", base)
	sub(/\.h$/, "", base)
	cur_md = base ".md"
	cur_path = "include/" substr(FILENAME, length(incdir) + 2)
	cur_name = substr(FILENAME, length(incdir) + 2)
	in_comment = in_decl = in_body = in_macro = in_group = skip_cpp = 0
	pend_doc = pend_plain = banner = seen_intro = 0
	guard = ""
	ppdepth = 0
	toc_open = 0
	if (fpass == 1) {
		files[++nfiles] = FILENAME
		file_md[FILENAME] = cur_md
		file_name[FILENAME] = cur_name
		toc[FILENAME] = ""
		file_first[FILENAME] = ""
	} else {
		if (prev_out != "")
			close(prev_out)
		cur_out = outdir "/" cur_md
		prev_out = cur_out
		printf "" > cur_out
		emit("# `" cur_name "`")
		emit("")
		emit("Generated by `tools/apidoc.sh` from the doc comments in [`" cur_path \
		     "`](../../" cur_path ") (`make docs`); do not edit by hand. " \
		     "[Index of the whole API](README.md).")
		emit("")
		toc_done = 0
	}
}

function end_file()
{
	flush_group()
	flush_plain()
	if (pend_doc)
		err("doc comment for " doc_name " is not followed by its declaration")
	pend_doc = 0
}

function emit_toc()
{
	if (fpass == 2 && !toc_done) {
		toc_done = 1
		if (toc[FILENAME] != "") {
			emit("Contents:")
			emit("")
			emit(substr(toc[FILENAME], 2))
			emit("")
		}
	}
}

# ---------------------------------------------------------------------------
# Comments

function start_comment(l)
{
	c_doc = (l ~ /^[ \t]*\/\*\*([ \t]|$)/)
	c_n = 0
	c_line = FNR
	in_comment = 1
	comment_line(l, 1)
}

function comment_line(l, first,    s, last)
{
	s = l
	last = index(s, "*/") > 0
	if (last)
		sub(/[ \t]*\*\/.*$/, "", s)
	if (first)
		sub(/^[ \t]*\/\*\*?/, "", s)
	else
		sub(/^[ \t]*\*/, "", s)
	sub(/^ /, "", s)
	if (!(c_n == 0 && s ~ /^[ \t]*$/))
		c_text[++c_n] = s
	if (last) {
		in_comment = 0
		end_comment()
	}
}

function end_comment(    i)
{
	if (c_doc) {
		flush_plain()
		if (pend_doc)
			err("doc comment for " doc_name " is not followed by its declaration")
		parse_doc()
		return
	}
	if (c_n >= 1 && c_text[1] ~ /^SPDX-License-Identifier/)
		return
	if (c_n == 1 && c_text[1] ~ /^-+$/) {
		flush_plain()
		banner = 1
		return
	}
	if (banner && c_n == 1) {
		banner = 0
		section(trim(c_text[1]))
		return
	}
	banner = 0
	if (!seen_intro) {
		seen_intro = 1
		parse_body(c_text, c_n, 1)
		if (fpass == 1 && b_n >= 1)
			file_first[FILENAME] = first_sentence(b_text[1])
		emit_body()
		return
	}
	flush_plain()
	pend_plain = 1
	pl_n = c_n
	for (i = 1; i <= c_n; i++)
		pl_text[i] = c_text[i]
}

# A plain comment that belongs to nothing: prose.
function flush_plain(    i)
{
	if (!pend_plain)
		return
	pend_plain = 0
	emit_toc()
	parse_body(pl_text, pl_n, 1)
	emit_body()
}

function section(title)
{
	flush_group()
	flush_plain()
	if (fpass == 1) {
		toc[FILENAME] = toc[FILENAME] "\n- " esc(title) ": "
		toc_open = 1
		toc_sep = ""
	} else {
		emit_toc()
		emit("## " esc(title))
		emit("")
	}
}

# A kernel-doc comment: its name (doc_key: "em_add", "struct em_region"),
# summary, params and blocks, kept until its declaration comes.
function parse_doc(    i, first, head)
{
	pend_doc = 1
	doc_line = c_line
	i = 1
	first = c_text[1]
	if (!match(first, /^((struct|enum|union)[ \t]+)?[A-Za-z_][A-Za-z0-9_]*(\(\))?[ \t]+-([ \t]|$)/)) {
		err("doc comment does not start with \"name() - summary\" or \"struct name - summary\"")
		doc_name = doc_key = "?"
		doc_summary = first
	} else {
		head = substr(first, 1, RLENGTH)
		doc_summary = trim(substr(first, RLENGTH + 1))
		sub(/[ \t]+-[ \t]*$/, "", head)
		doc_name = head
		doc_key = head
		sub(/\(\)$/, "", doc_key)
		gsub(/[ \t]+/, " ", doc_key)
	}
	for (i = 2; i <= c_n && c_text[i] !~ /^[ \t]*$/ && c_text[i] !~ PARAM; i++)
		doc_summary = doc_summary " " trim(c_text[i])
	parse_body(c_text, c_n, i)
}

# ---------------------------------------------------------------------------
# Preprocessor groups and macros

function preproc(l)
{
	if (l ~ /^#[ \t]*if/)
		ppdepth++
	else if (l ~ /^#[ \t]*endif/) {
		if (ppdepth == 0) { # the include guard's
			flush_group()
			return
		}
		ppdepth--
	}
	if (pend_doc && l ~ /^#[ \t]*define[ \t]/) {
		d_n = 0
		d_line = FNR
		d_text[++d_n] = l
		if (l ~ /\\$/)
			in_macro = 2
		else
			macro_item()
		return
	}
	if (l ~ /^#[ \t]*define[ \t]+[a-z_][a-z0-9_]*\(/) {
		match(l, /define[ \t]+[a-z_][a-z0-9_]*/)
		err("macro " substr(l, RSTART + 7, RLENGTH - 7) "() has no doc comment")
	}
	if (!in_group) {
		in_group = 1
		g_n = 0
		g_c = pend_plain
		pend_plain = 0
	}
	g_text[++g_n] = l
	if (l ~ /\\$/)
		in_macro = 1
}

function macro_line(l)
{
	if (in_macro == 2) {
		d_text[++d_n] = l
		if (l !~ /\\$/) {
			in_macro = 0
			macro_item()
		}
		return
	}
	g_text[++g_n] = l
	if (l !~ /\\$/)
		in_macro = 0
}

function macro_item(    key)
{
	match(d_text[1], /define[ \t]+[A-Za-z_][A-Za-z0-9_]*/)
	key = substr(d_text[1], RSTART, RLENGTH)
	sub(/define[ \t]+/, "", key)
	item("macro", key, d_text[1] ~ /define[ \t]+[A-Za-z_][A-Za-z0-9_]*\(/)
}

function flush_group(    i)
{
	if (!in_group)
		return
	in_group = 0
	emit_toc()
	if (g_c) {
		parse_body(pl_text, pl_n, 1)
		emit_body()
	}
	emit("```c")
	for (i = 1; i <= g_n; i++)
		emit(g_text[i])
	emit("```")
	emit("")
}

# ---------------------------------------------------------------------------
# Declarations

function count(s, ch,    n, i)
{
	n = 0
	for (i = 1; i <= length(s); i++)
		if (substr(s, i, 1) == ch)
			n++
	return n
}

function start_decl(l)
{
	d_n = 0
	d_line = FNR
	depth = 0
	in_decl = 1
	if (l ~ /^(struct|enum|union)[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]*\{/)
		d_kind = "aggr"
	else
		d_kind = "func"
	decl_line(l)
}

function decl_line(l,    pre)
{
	if (d_kind == "aggr") {
		d_text[++d_n] = l
		depth += count(l, "{") - count(l, "}")
		if (depth <= 0 && index(l, ";")) {
			in_decl = 0
			finish_decl()
		}
		return
	}
	if (index(l, "{")) {
		pre = substr(l, 1, index(l, "{") - 1)
		sub(/[ \t]+$/, "", pre)
		if (pre != "")
			d_text[++d_n] = pre
		d_text[d_n] = d_text[d_n] ";"
		depth = count(l, "{") - count(l, "}")
		in_decl = 0
		in_body = depth > 0
		finish_decl()
		return
	}
	d_text[++d_n] = l
	if (index(l, ";")) {
		in_decl = 0
		finish_decl()
	}
}

function body_line(l)
{
	depth += count(l, "{") - count(l, "}")
	if (depth <= 0)
		in_body = 0
}

function finish_decl(    j, i, key)
{
	if (d_kind == "aggr") {
		match(d_text[1], /^(struct|enum|union)[ \t]+[A-Za-z_][A-Za-z0-9_]*/)
		key = substr(d_text[1], 1, RLENGTH)
		gsub(/[ \t]+/, " ", key)
		item("type", key, 0)
		return
	}
	j = ""
	for (i = 1; i <= d_n; i++)
		j = j " " d_text[i]
	if (!match(j, /[A-Za-z_][A-Za-z0-9_]*[ \t]*\(/)) {
		err("declaration not understood: " trim(j))
		pend_doc = 0
		return
	}
	key = substr(j, RSTART, RLENGTH - 1)
	sub(/[ \t]+$/, "", key)
	item("func", key, 1)
}

# ---------------------------------------------------------------------------
# Items

function item(kind, key, fnlike,    heading, anchor, i, summary)
{
	heading = fnlike ? key "()" : key
	anchor = slug(heading)
	if (pend_doc) {
		if (doc_key != key)
			err("doc comment names " doc_name " but the declaration is " heading, d_line)
		summary = doc_summary
	} else {
		if (kind != "macro")
			err(heading " has no doc comment", d_line)
		summary = ""
		p_n = b_n = 0
		if (pend_plain) {
			parse_body(pl_text, pl_n, 1)
		}
	}
	pend_doc = pend_plain = 0
	if (fpass == 1) {
		item_md[key] = cur_md
		item_anchor[key] = anchor
		item_heading[++nitems] = heading
		item_key[nitems] = key
		item_file[nitems] = FILENAME
		item_summary[nitems] = summary
		if (!toc_open) {
			toc[FILENAME] = toc[FILENAME] "\n- "
			toc_open = 1
			toc_sep = ""
		}
		toc[FILENAME] = toc[FILENAME] toc_sep "[`" heading "`](#" anchor ")"
		toc_sep = ", "
		return
	}
	emit_toc()
	emit("### " heading)
	emit("")
	emit("```c")
	for (i = 1; i <= d_n; i++)
		emit(d_text[i])
	emit("```")
	emit("")
	if (summary != "") {
		emit(fmt(cap(summary)))
		emit("")
	}
	emit_body()
}

# ---------------------------------------------------------------------------
# The main loop

function top(l)
{
	if (l ~ /^[ \t]*$/) {
		flush_group()
		flush_plain()
		return
	}
	if (l ~ /^[ \t]*\/\*/) {
		flush_group()
		start_comment(l)
		return
	}
	if (l ~ /^#[ \t]*ifdef[ \t]+__cplusplus/) {
		flush_group()
		skip_cpp = 1
		return
	}
	if (l ~ /^#[ \t]*include[ \t]/)
		return
	if (guard == "" && l ~ /^#[ \t]*ifndef[ \t]+[A-Z0-9_]+_H[ \t]*$/) {
		guard = l
		sub(/^#[ \t]*ifndef[ \t]+/, "", guard)
		sub(/[ \t]+$/, "", guard)
		return
	}
	if (guard != "" && l ~ ("^#[ \t]*define[ \t]+" guard "[ \t]*$"))
		return
	if (l ~ /^#/) {
		preproc(l)
		return
	}
	flush_group()
	if (l ~ /^(struct|enum|union)[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]*;/)
		return # a forward declaration
	start_decl(l)
}

FNR == 1 {
	if (started)
		end_file()
	started = 1
	begin_file()
}

{
	if (skip_cpp) {
		if ($0 ~ /^#[ \t]*endif/)
			skip_cpp = 0
	} else if (in_comment)
		comment_line($0, 0)
	else if (in_decl)
		decl_line($0)
	else if (in_body)
		body_line($0)
	else if (in_macro)
		macro_line($0)
	else
		top($0)
}

# ---------------------------------------------------------------------------
# The index

END {
	if (started)
		end_file()
	if (pass != 2)
		exit (errs ? 1 : 0)
	close(prev_out)
	out = outdir "/README.md"
	cur_md = "README.md"
	printf "" > out
	print "# earlymem API reference" > out
	print "" > out
	print "Generated by `tools/apidoc.sh` from the kernel-doc comments in `include/`:" \
	      " run `make docs` after changing a header. `make doc-check` fails when a" \
	      " public function, macro or type has no doc comment, or when these files" \
	      " differ from what the headers give. The guide to using the library in a" \
	      " kernel is [docs/integrating.md](../integrating.md)." > out
	print "" > out
	print "| header | what it holds |" > out
	print "|---|---|" > out
	for (f = 1; f <= nfiles; f++)
		printf "| [`%s`](%s) | %s |\n", file_name[files[f]], file_md[files[f]],
		       fmt(file_first[files[f]], 1) > out
	print "" > out
	print "## Index" > out
	print "" > out
	print "| name | header | summary |" > out
	print "|---|---|---|" > out
	# Sort by name without "struct " / "enum " (insertion sort; LC_ALL=C).
	for (i = 1; i <= nitems; i++) {
		ord[i] = i
		sk = item_key[i]
		sub(/^(struct|enum|union) /, "", sk)
		sortkey[i] = sk " " item_key[i]
	}
	for (i = 2; i <= nitems; i++) {
		v = ord[i]
		for (j = i - 1; j >= 1 && sortkey[ord[j]] > sortkey[v]; j--)
			ord[j + 1] = ord[j]
		ord[j + 1] = v
	}
	for (i = 1; i <= nitems; i++) {
		k = ord[i]
		printf "| [`%s`](%s#%s) | `%s` | %s |\n", item_heading[k], file_md[item_file[k]],
		       item_anchor[item_key[k]], file_name[item_file[k]],
		       fmt(cap(first_sentence(item_summary[k])), 1) > out
	}
	close(out)
	exit (errs ? 1 : 0)
}
