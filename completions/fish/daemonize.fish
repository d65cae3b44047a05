# fish completion for daemonize

# Prints the 1-based position of the command word among the tokens after
# "daemonize" (options end at "--" or the first non-option); fails if the
# command line has no command word yet.
function __daemonize_command_index
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l takes_value -c --chdir -m --umask -E --env -i --stdin -o --stdout -e --stderr -p --pidfile -u --user -g --group \
        --restart -n --instances --max-restarts --restart-delay --success-exit --stop-timeout --child-pidfile --signal \
        --ready-timeout --ready-fd --log-max-size --log-keep --env-file --unset --chroot --nice --ionice --sched --cpus \
        --oom-score-adj --limit --keep-caps --min-uptime --retry --scale --restart-instance --watchdog \
        --listen --listen-mode
    set -l skip 0
    set -l i 0
    for t in $tokens
        set i (math $i + 1)
        if test $skip -eq 1
            set skip 0
        else if test "$t" = --
            echo (math $i + 1)
            return 0
        else if contains -- $t $takes_value
            set skip 1
        else if not string match -q -- '-*' $t
            echo $i
            return 0
        end
    end
    return 1
end

# After the command word, complete that command with its own completion.
function __daemonize_command_args
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l i (__daemonize_command_index)
    set -l rest $tokens[$i..-1] (commandline -ct)
    complete -C (string join ' ' -- (string escape -- $rest))
end

# --keep-caps takes a comma-separated list: offer the names after what is
# already there.
function __daemonize_capabilities
    set -l token (string replace -r -- '^--keep-caps=' '' (commandline -ct))
    set -l prefix (string replace -r -- '[^,]*$' '' $token)
    for cap in chown dac_override dac_read_search fowner fsetid kill setgid setuid setpcap linux_immutable \
        net_bind_service net_broadcast net_admin net_raw ipc_lock ipc_owner sys_module sys_rawio sys_chroot \
        sys_ptrace sys_pacct sys_admin sys_boot sys_nice sys_resource sys_time sys_tty_config mknod lease \
        audit_write audit_control setfcap mac_override mac_admin syslog wake_alarm block_suspend audit_read \
        perfmon bpf checkpoint_restore
        echo "$prefix"cap_$cap
    end
end

# --listen takes [NAME=]SPEC: offer the kinds, and files after "unix:".
function __daemonize_listen
    set -l token (string replace -r -- '^--listen=' '' (commandline -ct))
    set -l name (string match -r -- '^[A-Za-z0-9_.-]+=' $token)
    set -l spec (string replace -r -- '^[A-Za-z0-9_.-]+=' '' $token)
    if string match -q -- 'unix:*' $spec
        for path in (__fish_complete_path (string sub -s 6 -- $spec))
            echo "$name"unix:$path
        end
    else if not string match -rq -- '^(tcp|udp):' $spec
        printf '%s\n' "$name"tcp: "$name"udp: "$name"unix:
    end
end

set -l n 'not __daemonize_command_index >/dev/null'
complete -c daemonize -f -n '__daemonize_command_index >/dev/null' -a '(__daemonize_command_args)'
complete -c daemonize -f -n "$n; and not string match -q -- '-*' (commandline -ct)" -a '(__fish_complete_command)'
complete -c daemonize -n $n -s c -l chdir -x -a '(__fish_complete_directories)' -d 'Working directory of the daemon'
complete -c daemonize -n $n -s m -l umask -x -d 'File mode creation mask (default 022)'
complete -c daemonize -n $n -s E -l env -x -d 'Set NAME=VALUE in the environment'
complete -c daemonize -n $n -s i -l stdin -r -F -d 'Standard input (default /dev/null)'
complete -c daemonize -n $n -s o -l stdout -r -F -d 'Append standard output to FILE'
complete -c daemonize -n $n -s e -l stderr -r -F -d 'Append standard error to FILE'
complete -c daemonize -n $n -l truncate -d 'Truncate output files instead of appending'
complete -c daemonize -n $n -s p -l pidfile -r -F -d 'Write and lock a pidfile'
complete -c daemonize -n $n -s u -l user -x -a '(__fish_complete_users)' -d 'Run as USER[:GROUP]'
complete -c daemonize -n $n -s g -l group -x -a '(__fish_complete_groups)' -d 'Run with GROUP'
complete -c daemonize -n $n -l env-file -r -F -d 'Read NAME=VALUE lines (-FILE: optional)'
complete -c daemonize -n $n -l clear-env -d 'Start from an empty environment'
complete -c daemonize -n $n -l unset -x -a '(set --names --export)' -d 'Remove a variable from the environment'
complete -c daemonize -n $n -l chroot -x -a '(__fish_complete_directories)' -d 'Root directory of the command (root only)'
complete -c daemonize -n $n -l nice -x -d 'Niceness, -20 (favoured) to 19'
complete -c daemonize -n $n -l ionice -x -a 'idle best-effort realtime' -d 'I/O class (best-effort:LEVEL, realtime:LEVEL)'
complete -c daemonize -n $n -l sched -x -a 'other batch idle fifo rr' -d 'CPU policy (fifo:PRIO, rr:PRIO)'
complete -c daemonize -n $n -l cpus -x -d 'Run only on these CPUs, like 0-3,6'
complete -c daemonize -n $n -l oom-score-adj -x -d 'OOM killer preference, -1000 to 1000'
complete -c daemonize -n $n -l limit -x -a 'as= core= cpu= data= fsize= memlock= msgqueue= nice= nofile= nproc= rtprio= sigpending= stack=' -d 'Resource limit NAME=SOFT[:HARD]'
complete -c daemonize -n $n -l no-new-privs -d 'The command can never gain privileges'
complete -c daemonize -n $n -l keep-caps -x -a '(__daemonize_capabilities)' -d 'Keep only these capabilities (root only)'
complete -c daemonize -n $n -l cap-bound -d 'Also drop every other capability from the bounding set'
complete -c daemonize -n $n -l listen -x -a '(__daemonize_listen)' -d 'Bind a socket, passed as fd 3, 4, ... ([NAME=]SPEC)'
complete -c daemonize -n $n -l listen-mode -x -d 'Mode of unix: sockets (default 0666)'
complete -c daemonize -n $n -s f -l foreground -d 'Do not detach; supervise in the foreground'
complete -c daemonize -n $n -s r -d 'Restart on failure'
complete -c daemonize -n $n -l restart -x -a 'on-failure always no' -d 'Restart policy'
complete -c daemonize -n $n -s n -l instances -x -d 'Number of instances (0 = one per CPU)'
complete -c daemonize -n $n -l max-restarts -x -d 'Give up after N restarts (N[/SECS])'
complete -c daemonize -n $n -l restart-delay -x -d 'Backoff MIN[:MAX] seconds (default 0.1:30)'
complete -c daemonize -n $n -l success-exit -x -d 'Exit codes that count as success'
complete -c daemonize -n $n -l stop-timeout -x -d 'Seconds between SIGTERM and SIGKILL'
complete -c daemonize -n $n -l child-pidfile -r -F -d 'Write the instance PID to FILE'
complete -c daemonize -n $n -l watchdog -x -d 'Kill and restart an instance silent for SECS'
complete -c daemonize -n $n -l timestamps -f -a 'iso unix' -d 'Prefix lines with the time (=iso or =unix)'
complete -c daemonize -n $n -l log-prefix -d 'Prefix lines with the instance number'
complete -c daemonize -n $n -l log-max-size -x -d 'Rotate log files before they exceed SIZE (10M)'
complete -c daemonize -n $n -l log-keep -x -d 'Rotated files to keep (default 5)'
complete -c daemonize -n $n -l syslog -f -d 'Send lines to syslog (=TAG)'
complete -c daemonize -n $n -l forward-hup -d 'Forward SIGHUP too (it reopens the logs)'
complete -c daemonize -n $n -s w -l wait-ready -d 'Return once the command sends READY=1'
complete -c daemonize -n $n -l ready-timeout -x -d 'Stop it and exit 124 if not ready (default 60)'
complete -c daemonize -n $n -l ready-fd -x -d 'FD on which the command writes a newline when ready'
complete -c daemonize -n $n -l min-uptime -x -d 'Started = still running after SECS'
complete -c daemonize -n $n -l status -d 'Is it running? (LSB exit codes)'
complete -c daemonize -n $n -l stop -d 'Stop the daemon named by the pidfile'
complete -c daemonize -n $n -l signal -x -a 'HUP INT QUIT KILL USR1 USR2 TERM CONT STOP WINCH' -d 'Send a signal'
complete -c daemonize -n $n -l retry -x -d 'Stop schedule: SECS, or like TERM/30/KILL/5'
complete -c daemonize -n $n -l json -d 'With --status: one JSON document'
complete -c daemonize -n $n -l scale -x -d 'Supervisor: run N instances from now on'
complete -c daemonize -n $n -l reload -d 'Supervisor: replace every instance, no downtime'
complete -c daemonize -n $n -l restart-instance -x -d 'Supervisor: replace instance I the same way'
complete -c daemonize -n $n -s v -l verbose -d 'Report each step on stderr'
complete -c daemonize -n $n -s q -l quiet -d 'Print errors only'
complete -c daemonize -n $n -s h -l help -d 'Show help and exit'
complete -c daemonize -n $n -s V -l version -d 'Show version and exit'
