/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cli/jsonw.c, the JSON writer of every document: the commas and the
 * nesting it keeps track of, the line breaks of an array of lines, the
 * numbers, the string escape, and that a misuse or a failed write is
 * reported. Every expected output is written out by hand.
 */
#include "testutil.h"

#include "jsonw.h"

/* What the calls wrote, as a string (free() it). */
#define CAPTURE(buf, calls)                                                     \
	do {                                                                    \
		size_t len_;                                                    \
		struct jw w_;                                                   \
		FILE *f_ = open_memstream(&(buf), &len_);                       \
		struct jw *w = &w_;                                             \
		assert_non_null(f_);                                            \
		jw_init(w, f_);                                                 \
		calls;                                                          \
		assert_int_equal(fclose(f_), 0);                                \
	} while (0)

/* Commas between members and elements, none after the last, none in an empty one. */
static void commas_and_nesting(void **state)
{
	char *s;

	(void)state;
	CAPTURE(s, {
		jw_object(w, NULL);
		jw_u64(w, "a", 1);
		jw_object(w, "b");
		jw_end(w);
		jw_array(w, "c");
		jw_end(w);
		jw_array(w, "d");
		jw_u64(w, NULL, 1);
		jw_object(w, NULL);
		jw_bool(w, "e", true);
		jw_null(w, "f");
		jw_end(w);
		jw_array(w, NULL);
		jw_end(w);
		jw_end(w);
		jw_str(w, "g", "h");
		jw_end(w);
		assert_int_equal(jw_done(w), 0);
	});
	assert_string_equal(s, "{\"a\":1,\"b\":{},\"c\":[],\"d\":[1,{\"e\":true,\"f\":null},[]],\"g\":\"h\"}\n");
	free(s);
}

/*
 * An array of lines: a line break before each element, indented by the
 * arrays of lines open (status: " " before a node, "  " before a zone);
 * the comma stays at the end of the line before; an empty one is "[]".
 */
static void lines(void **state)
{
	char *s;

	(void)state;
	CAPTURE(s, {
		jw_object(w, NULL);
		jw_lines(w, "nodes");
		jw_object(w, NULL);
		jw_u64(w, "node", 0);
		jw_lines(w, "zones");
		jw_object(w, NULL);
		jw_str(w, "zone", "DMA");
		jw_u64s(w, "free_blocks", (const uint64_t[]){ 1, 2 }, 2);
		jw_end(w);
		jw_object(w, NULL);
		jw_end(w);
		jw_end(w);
		jw_array(w, "hugepages");
		jw_u64(w, NULL, 2048);
		jw_end(w);
		jw_end(w);
		jw_object(w, NULL);
		jw_lines(w, "zones");
		jw_end(w);
		jw_end(w);
		jw_end(w);
		jw_lines(w, "none");
		jw_end(w);
		jw_end(w);
		assert_int_equal(jw_done(w), 0);
	});
	assert_string_equal(s, "{\"nodes\":[\n"
			       " {\"node\":0,\"zones\":[\n"
			       "  {\"zone\":\"DMA\",\"free_blocks\":[1,2]},\n"
			       "  {}],\"hugepages\":[2048]},\n"
			       " {\"zones\":[]}],\"none\":[]}\n");
	free(s);
}

/* 64-bit integers to their ends; fixed decimals rounded as printf does; unknown values as null. */
static void numbers(void **state)
{
	char *s;

	(void)state;
	CAPTURE(s, {
		jw_array(w, NULL);
		jw_i64(w, NULL, 0);
		jw_i64(w, NULL, -1000);
		jw_i64(w, NULL, INT64_MIN);
		jw_i64(w, NULL, INT64_MAX);
		jw_u64(w, NULL, UINT64_MAX);
		jw_fixed(w, NULL, 1.5, 3);
		jw_fixed(w, NULL, 0.0004, 3);
		jw_fixed(w, NULL, 1780000000.999, 3);
		jw_fixed(w, NULL, 1779999999.6, 0);
		jw_opt_i64(w, NULL, false, -1);
		jw_opt_i64(w, NULL, true, -1);
		jw_opt_u64(w, NULL, false, 7);
		jw_opt_u64(w, NULL, true, 7);
		jw_end(w);
		assert_int_equal(jw_done(w), 0);
	});
	assert_string_equal(s, "[0,-1000,-9223372036854775808,9223372036854775807,18446744073709551615,"
			       "1.500,0.000,1780000000.999,1780000000,null,-1,null,7]\n");
	free(s);
}

/* " and \ escaped by a backslash, control characters and DEL as \u00XX, UTF-8 as is */
static void strings(void **state)
{
	char *s;

	(void)state;
	CAPTURE(s, {
		jw_array(w, NULL);
		jw_str(w, NULL, "a\"b\\c\n\x01\x7f\t\xc3\xa9");
		jw_str(w, NULL, "");
		jw_str(w, NULL, NULL);
		jw_str_or_null(w, NULL, "");
		jw_str_or_null(w, NULL, NULL);
		jw_str_or_null(w, NULL, "x");
		jw_end(w);
		assert_int_equal(jw_done(w), 0);
	});
	assert_string_equal(s, "[\"a\\\"b\\\\c\\u000a\\u0001\\u007f\\u0009\xc3\xa9\",\"\",null,null,null,\"x\"]\n");
	free(s);
}

/* A byte that is not UTF-8, C1, bidi and separators: JSON escapes and U+FFFD, never raw. */
static void strings_unicode(void **state)
{
	char *s;

	(void)state;
	/* 0xff is no UTF-8; U+0085 (NEL), U+202E (RLO), U+2028 (LS) escaped; U+00E9 as is */
	CAPTURE(s, {
		jw_object(w, NULL);
		jw_str(w, "k", "\xff\xc2\x85\xe2\x80\xae\xe2\x80\xa8\xc3\xa9");
		jw_end(w);
		assert_int_equal(jw_done(w), 0);
	});
	assert_string_equal(s, "{\"k\":\"\\ufffd\\u0085\\u202e\\u2028\xc3\xa9\"}\n");
	free(s);
}

/* An object left open, an end too many, nesting deeper than kept: jw_done() says so. */
static void misuse(void **state)
{
	char *s;
	unsigned i;

	(void)state;
	CAPTURE(s, {
		jw_object(w, NULL);
		assert_int_equal(jw_done(w), -1);
	});
	free(s);
	CAPTURE(s, {
		jw_object(w, NULL);
		jw_end(w);
		jw_end(w);
		assert_int_equal(jw_done(w), -1);
	});
	free(s);
	CAPTURE(s, {
		for (i = 0; i < JW_MAX_DEPTH + 1; i++)
			jw_array(w, NULL);
		for (i = 0; i < JW_MAX_DEPTH + 1; i++)
			jw_end(w);
		assert_int_equal(jw_done(w), -1);
	});
	free(s);
}

/* A write that fails (a full disk: /dev/full) makes jw_done() -1. */
static void write_error(void **state)
{
	FILE *f = fopen("/dev/full", "we");
	struct jw w;

	(void)state;
	if (!f)
		skip_because("/dev/full: %s", strerror(errno));
	setvbuf(f, NULL, _IONBF, 0);
	jw_init(&w, f);
	jw_object(&w, NULL);
	jw_str(&w, "k", "v");
	jw_end(&w);
	assert_int_equal(jw_done(&w), -1);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(commas_and_nesting),
		cmocka_unit_test(lines),
		cmocka_unit_test(numbers),
		cmocka_unit_test(strings),
		cmocka_unit_test(strings_unicode),
		cmocka_unit_test(misuse),
		cmocka_unit_test(write_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
