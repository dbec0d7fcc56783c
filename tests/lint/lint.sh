#!/usr/bin/env bash
# The habits the build states, checked:
#   lint.sh format SOURCE_DIR        every C++ file formatted as .clang-format says
#   lint.sh tidy SOURCE_DIR BUILD    .clang-tidy over server/, every finding an error
#   lint.sh commits SOURCE_DIR       commit subjects of at most 72 characters, each with a body
#                                    (the commits since this rule came, e1af00f..HEAD)
# (CTest lint_format and lint_tidy; a finding that is right to keep is justified inline with
# NOLINT(check) and a reason.)
set -euo pipefail
mode=$1
src=$(realpath "$2")
cd "$src"
mapfile -t files < <(find server include tests -name '*.cpp' -o -name '*.hpp' | sort)
case $mode in
  format)
    command -v clang-format >/dev/null || { echo "FAIL  clang-format is missing: run packaging/install-deps --test"; exit 1; }
    if ! clang-format --dry-run -Werror "${files[@]}"; then
      echo "FAIL  not formatted; fix with: clang-format -i \$(find server include tests -name '*.[ch]pp')"
      exit 1
    fi
    echo "ok: ${#files[@]} files formatted"
    ;;
  tidy)
    build=$(realpath "$3")
    command -v run-clang-tidy >/dev/null || { echo "FAIL  run-clang-tidy is missing: run packaging/install-deps --test"; exit 1; }
    [ -f "$build/compile_commands.json" ] || { echo "FAIL  no $build/compile_commands.json"; exit 1; }
    # Every source of server/ (the headers through HeaderFilterRegex); 2 at a time, nice.
    if ! nice run-clang-tidy -quiet -j 2 -p "$build" "$src/server/" >"$build/clang-tidy.log" 2>&1; then
      grep -E "(warning|error):" "$build/clang-tidy.log" | sed 's/\x1b\[[0-9;]*m//g' | sort -u
      echo "FAIL  clang-tidy found the above (whole output: $build/clang-tidy.log)"
      exit 1
    fi
    echo "ok: clang-tidy found nothing in server/"
    ;;
  commits)
    # Not a git checkout (an unpacked source tarball): nothing to check.
    git rev-parse --git-dir >/dev/null 2>&1 || { echo "ok: not a git checkout"; exit 0; }
    since=e1af00f
    range=$since..HEAD
    git rev-parse -q --verify "$since^{commit}" >/dev/null || range="-1 HEAD"  # a shallow clone
    bad=0 count=0
    for commit in $(git log --format=%h $range); do
      count=$((count + 1))
      subject=$(git log -1 --format=%s "$commit")
      if [ ${#subject} -gt 72 ]; then
        echo "FAIL  $commit: the subject has ${#subject} characters (at most 72): $subject"
        bad=1
      fi
      if [ -z "$(git log -1 --format=%b "$commit" | tr -d '[:space:]')" ]; then
        echo "FAIL  $commit: no body saying why: $subject"
        bad=1
      fi
    done
    [ $bad = 0 ] || exit 1
    echo "ok: $count commits, each with a subject of at most 72 characters and a body"
    ;;
  *) echo "usage: lint.sh format|tidy|commits SOURCE_DIR [BUILD_DIR]" >&2; exit 2 ;;
esac
