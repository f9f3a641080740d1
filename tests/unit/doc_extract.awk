# Print the fenced code block that follows the line "<!-- example NAME -->"
# in a Markdown page (awk -v name=NAME); exit 1 if there is none, so a page
# that loses its example fails the build.
$0 == "<!-- example " name " -->" { want = 1; next }
want == 1 && /^```/ { want = 2; next }
want == 2 && /^```/ { done = 1; exit }
want == 2 { print }
END { if (!done) exit 1 }
