#!/usr/bin/env bash
# The manual page: it renders without warnings, and it names every option --help lists, so
# the two cannot drift apart.
source "$(dirname "$0")/lib.sh"
PAGE="$(dirname "$DUALHTTPD")/man/man8/dualhttpd.8"

[ -f "$PAGE" ] || { fail "$PAGE was not built"; finish; }
WARNINGS=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$PAGE" 2>&1 >"$WORK/page.txt")
expect_eq "man renders dualhttpd.8 without warnings" "" "$WARNINGS"
TEXT=$(cat "$WORK/page.txt")
for section in NAME SYNOPSIS OPTIONS "LISTEN SPECS" "BIND ERRORS" CONFIGURATION "EXIT STATUS" \
  SIGNALS FILES EXAMPLES; do
  expect_contains "section $section" "$section" "$TEXT"
done
OPTIONS=$("$DUALHTTPD" --help | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u)
[ -n "$OPTIONS" ] || fail "no options found in --help"
for option in $OPTIONS; do
  expect_contains "the manual explains $option" "$option" "$TEXT"
done
expect_contains "--help points to the manual" "man 8 dualhttpd" "$("$DUALHTTPD" --help)"

# dualhttpd-lab(8): renders cleanly and names every verb and option its usage lists.
LAB_PAGE="$(dirname "$DUALHTTPD")/man/man8/dualhttpd-lab.8"
SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)
WARNINGS=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$LAB_PAGE" 2>&1 >"$WORK/lab.txt")
expect_eq "man renders dualhttpd-lab.8 without warnings" "" "$WARNINGS"
USAGE=$("$SOURCE_DIR/packaging/lab/dualhttpd-lab" --help)
for word in $(grep -oE '^  [a-z]+' <<<"$USAGE") $(grep -oE -- '--[a-z]+' <<<"$USAGE" | sort -u); do
  expect_contains "the lab's manual explains $word" "$word" "$(cat "$WORK/lab.txt")"
done
finish
