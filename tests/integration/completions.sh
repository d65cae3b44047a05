#!/bin/sh
# The completions work in the real shells: bash (with bash-completion),
# fish (complete -C) and zsh (parsed, and registered by compinit for
# daemonize through its #compdef line).
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"
comp=$SOURCE_ROOT/completions
bash_completion=/usr/share/bash-completion/bash_completion
[ -r "$bash_completion" ] || fail "bash-completion is needed (Debian package bash-completion)"
command -v fish >/dev/null || fail "fish is needed (Debian package fish)"
command -v zsh >/dev/null || fail "zsh is needed (Debian package zsh)"
mkdir somedir
touch somefile

# bash: complete WORDS... prints the candidates for the last word.
cat > bash_complete <<EOF2
source $bash_completion
source $comp/bash/daemonize
COMP_WORDS=("\$@"); COMP_CWORD=\$((\$# - 1)); COMP_LINE="\$*"; COMP_POINT=\${#COMP_LINE}; COMPREPLY=()
_daemonize daemonize "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "\${COMPREPLY[@]}"
EOF2
bc() { bash bash_complete daemonize "$@"; }
# bash, given the line as typed: bash splits words at blanks and at '='.
cat > bash_line <<EOF2
source $bash_completion
source $comp/bash/daemonize
COMP_LINE=\$1; COMP_POINT=\${#COMP_LINE}; COMP_WORDS=()
for w in \$COMP_LINE; do
    while [[ \$w == *=* ]]; do COMP_WORDS+=("\${w%%=*}" "="); w=\${w#*=}; done
    [[ -n \$w ]] && COMP_WORDS+=("\$w")
done
[[ \$COMP_LINE == *' ' || \$COMP_LINE == *= ]] && COMP_WORDS+=("")
COMP_CWORD=\$((\${#COMP_WORDS[@]} - 1)); COMPREPLY=()
_daemonize daemonize "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\\n' "\${COMPREPLY[@]}"
EOF2
bl() { bash bash_line "daemonize $*"; }
fc() { fish -c "source $comp/fish/daemonize.fish; complete -C 'daemonize $*'" | cut -f1; }
has() {  # WHAT EXPECTED -- candidates on stdin
    _c=$(cat)
    echo "$_c" | grep -qx -- "$2" || fail "$1: '$2' not among: $(echo "$_c" | head -20 | tr '\n' ' ')"
}
lacks() {
    _c=$(cat)
    echo "$_c" | grep -qx -- "$2" && fail "$1: '$2' should not be offered"
    return 0
}

bc --pidf | has "bash --pidf" --pidfile
bc --wait | has "bash --wait" --wait-ready
bc --restart '' | has "bash --restart" on-failure
bc --signal T | has "bash --signal" TERM
bc -u ro | has "bash -u" root
bc -g nogr | has "bash -g" nogroup
bc -p some | has "bash -p (files)" somefile
bc -c some | has "bash -c (directories)" somedir
bc -c some | lacks "bash -c (directories)" somefile
bc -p x.pid sle | has "bash command" sleep
bc -- ls --al | has "bash: the command's own completion" --all
bl "--restart=" | has "bash --restart=" always
bl "--restart=on" | has "bash --restart=on" on-failure
bl "--timestamps=" | has "bash --timestamps=" unix
bl "--timestamps=" | lacks "bash --timestamps= (no commands)" sleep
bl "--syslog=" | lacks "bash --syslog= (a free-form tag)" sleep
bl "--timestamps sle" | has "bash: the command after --timestamps" sleep

fc --pidf | has "fish --pidf" --pidfile
fc --ready | has "fish --ready" --ready-fd
fc "--restart " | has "fish --restart" on-failure
fc "--signal " | has "fish --signal" TERM
fc "-u ro" | has "fish -u" root
fc "-p some" | has "fish -p (files)" somefile
fc "-p x.pid sle" | has "fish command" sleep
fc "-- ls --al" | has "fish: the command's own completion" --all
fc "--timestamps=" | has "fish --timestamps=" --timestamps=unix
fc "--timestamps=" | lacks "fish --timestamps= (no commands)" --timestamps=sleep
fc "--syslog=" | lacks "fish --syslog= (no commands)" --syslog=sleep
fc "--timestamps sle" | has "fish: the command after --timestamps" sleep

zsh -n "$comp/zsh/_daemonize" || fail "zsh cannot parse _daemonize"
assert_eq "#compdef daemonize" "$(head -1 "$comp/zsh/_daemonize")" "first line of _daemonize"
registered=$(zsh -f -c "fpath=($comp/zsh \$fpath); autoload -U compinit; compinit -u -d $dir/zcompdump; print -r -- \${_comps[daemonize]}")
assert_eq _daemonize "$registered" "zsh completion function for daemonize"

# zsh for real: an interactive zsh in a pseudo-terminal (zsh/zpty) gets a
# line and a TAB; what it prints must hold the expected completion.
cat > zsh_drive <<'EOF2'
zmodload zsh/zpty
comp=$1 line=$2 want=$3
zpty z 'zsh -f -i'
zpty -w z "PS1='>>> '; fpath=($comp \$fpath); autoload -U compinit; compinit -u -D; unsetopt beep"
zpty -w -n z "$line"$'\t'$'\t'
out= i=0
while (( i++ < 200 )); do
    zpty -r -t z chunk && out+=$chunk
    [[ $out == *$want* ]] && { zpty -d z; exit 0; }
    sleep 0.05
done
zpty -d z
print -r -- "$out" | tr -d '\r' | tail -3
exit 1
EOF2
zc() {  # LINE EXPECTED
    zsh -f zsh_drive "$comp/zsh" "$1" "$2" > zsh.out 2>&1 || fail "zsh: '$1<TAB>' does not offer '$2': $(cat zsh.out)"
}
zc "daemonize ls --colo" "--color="
zc "daemonize -- ls --colo" "--color="
zc "daemonize -p x.pid -- ls --colo" "--color="
zc "daemonize --pidf" "--pidfile"
zc "daemonize --restart=al" "--restart=always"
echo ok
