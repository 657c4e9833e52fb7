# bash completion for leakguard                              -*- shell-script -*-
#
# Commands, options and option values are read from the binary's own
# --help output (which its option tables generate), so the completion always
# matches the leakguard being completed, whatever its version.
#
# Installed by `make install` as share/bash-completion/completions/leakguard;
# to try it from a checkout: source completions/leakguard.bash
# shellcheck disable=SC2207 # COMPREPLY=($(compgen ...)) is the idiom

# The commands, one a line, from `leakguard --help`.
_leakguard_commands()
{
    "$1" --help 2>/dev/null |
        awk '/^commands:/ { on = 1; next } on && NF == 0 { exit } on { print $1 }'
}

# Option lines of `leakguard CMD --help` as "LONG SHORT METAVAR HELP...".
_leakguard_options()
{
    "$1" "$2" --help 2>/dev/null | awk '
        /^options:/ { on = 1; next }
        !on || !/^  +-/ { next }
        {
            short = "-"; long = ""; meta = "-"; i = 1
            if ($1 ~ /^-[^-],$/) { short = substr($1, 1, 2); i = 2 }
            long = $i
            if ($(i + 1) ~ /^[A-Z][A-Z.|-]*$/) { meta = $(i + 1); i++ }
            help = ""
            for (k = i + 1; k <= NF; k++) help = help " " $k
            print long, short, meta, help
        }'
}

_leakguard()
{
    local cur prev bin cmd words cword long short meta help
    local -a opts
    if declare -F _init_completion >/dev/null 2>&1; then
        _init_completion -n = || return
    else
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD - 1]}
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    fi
    bin=${words[0]}
    if [ "$cword" -eq 1 ]; then
        COMPREPLY=($(compgen -W "$(_leakguard_commands "$bin") --help --version" -- "$cur"))
        return
    fi
    cmd=${words[1]}

    # --opt=value (split into "--opt" "=" "value" without bash-completion)
    if [ "$prev" = "=" ] && [ "$cword" -ge 3 ]; then
        prev=${words[cword - 2]}
    elif [[ $cur == --*=* ]]; then
        prev=${cur%%=*}
        cur=${cur#*=}
    fi

    # The value of the option before the cursor.
    while read -r long short meta help; do
        [ "$prev" = "$long" ] || [ "$prev" = "$short" ] || continue
        [ "$meta" = "-" ] && break
        case $meta in
        FMT)
            # the formats listed in the option's help text
            help=${help#*: }
            help=${help//(default)/}
            help=${help//,/ }
            help=${help// or / }
            COMPREPLY=($(compgen -W "$help" -- "$cur"))
            ;;
        WHEN) COMPREPLY=($(compgen -W "auto always never" -- "$cur")) ;;
        FILE | PATH | FILE\|-) COMPREPLY=($(compgen -f -- "$cur")) ;;
        *) COMPREPLY=() ;;
        esac
        return
    done < <(_leakguard_options "$bin" "$cmd")

    case $cmd in
    help)
        [ "$cword" -eq 2 ] &&
            COMPREPLY=($(compgen -W "$(_leakguard_commands "$bin")" -- "$cur"))
        return
        ;;
    rules)
        if [ "$cword" -eq 2 ] && [[ $cur != -* ]]; then
            COMPREPLY=($(compgen -W "list test lint" -- "$cur"))
            return
        fi
        ;;
    esac
    if [[ $cur == -* ]]; then
        opts=()
        while read -r long short meta help; do
            opts+=("$long")
            [ "$short" = "-" ] || opts+=("$short")
        done < <(_leakguard_options "$bin" "$cmd")
        COMPREPLY=($(compgen -W "${opts[*]}" -- "$cur"))
        return
    fi
    case $cmd in
    git | install-hooks) COMPREPLY=($(compgen -d -- "$cur")) ;;
    scan | merge | verify | revoke) COMPREPLY=($(compgen -f -- "$cur")) ;;
    *) COMPREPLY=() ;;
    esac
} &&
    complete -F _leakguard leakguard
