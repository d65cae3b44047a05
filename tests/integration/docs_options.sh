#!/bin/sh
# Every option --help lists has its entry in the man page's OPTIONS (a line
# "*-c, --chdir* ...") and is completed by
# the bash, zsh and fish completions (so none of them falls behind).
set -eu
. "$(dirname "$0")/lib.sh"
man=$SOURCE_ROOT/man/daemonize.1.scd
bash_comp=$SOURCE_ROOT/completions/bash/daemonize
zsh_comp=$SOURCE_ROOT/completions/zsh/_daemonize
fish_comp=$SOURCE_ROOT/completions/fish/daemonize.fish

"$DAEMONIZE" --help > "$dir/help"
# Option lines look like "  -c,--chdir DIR ..." or "  --truncate ...".
sed -n 's/^  \(-[A-Za-z]\),--\([a-z-]*\).*/\1 --\2/p; s/^  --\([a-z-]*\).*/--\1/p; s/^  \(-[A-Za-z]\) .*/\1/p' "$dir/help" |
    tr ' ' '\n' | sort -u > "$dir/options"
[ "$(wc -l < "$dir/options")" -ge 40 ] || fail "too few options found in --help: $(cat "$dir/options")"

missing=""
while read -r opt; do
    case $opt in
    --*)
        name=${opt#--}
        grep -qE -- "^\*(-[A-Za-z], )?$opt\*( _|\[|\$)" "$man" || missing="$missing man:$opt"
        grep -qE -- "(^|[ '(|])$opt([ |)=']|\$)" "$bash_comp" || missing="$missing bash:$opt"
        grep -qE -- "$opt([=+\['}]|\$)" "$zsh_comp" || missing="$missing zsh:$opt"
        grep -qE -- "-l $name( |\$)" "$fish_comp" || missing="$missing fish:$opt"
        ;;
    -?)
        letter=${opt#-}
        grep -qE -- "^\*$opt(, --[a-z-]*\*|\*)( _|\[|\$)" "$man" || missing="$missing man:$opt"
        grep -qE -- "(^|[ '(|])$opt([ |)']|\$)" "$bash_comp" || missing="$missing bash:$opt"
        grep -qE -- "$opt[,+ '\[]" "$zsh_comp" || missing="$missing zsh:$opt"
        grep -qE -- "-s $letter( |\$)" "$fish_comp" || missing="$missing fish:$opt"
        ;;
    esac
done < "$dir/options"
[ -z "$missing" ] || fail "options of --help not documented or completed:$missing"
echo ok
