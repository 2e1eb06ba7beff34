# shellcheck shell=bash disable=SC2034,SC2153
# Shared by the stand-ins in bin/: each one sets STANDIN_NAME (KUBECONFORM, HELM3, DOCKER_COMPOSE...),
# answers its version command like the real tool, and otherwise replays canned output:
#
#   STANDIN_<NAME>_OUTPUT=<file>     printed on stdout   (default: a captured "clean" output)
#   STANDIN_<NAME>_STDERR=<file>     printed on stderr
#   STANDIN_<NAME>_EXIT=<code>       exit status         (default 0)
#   STANDIN_<NAME>_<SUB>_OUTPUT/_STDERR/_EXIT   the same for one subcommand only (SUB = LINT, TEMPLATE,
#                                    CONFIG, IMAGE, SCORE, SCAN), taking precedence over the above
#   STANDIN_<NAME>_LOG=<file>        each invocation's arguments are appended to it, one line per call
#
# The captured outputs live in ../outputs (see ../capture.sh, which re-captures them from the real tools).
STANDIN_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STANDIN_OUTPUTS="$STANDIN_HOME/outputs"

standin_var() { # NAME SUFFIX -> value of STANDIN_<NAME>_<SUFFIX> (empty when unset)
  local v="STANDIN_${1}_${2}"
  printf '%s' "${!v:-}"
}

standin_pick() { # SUB SUFFIX DEFAULT -> the subcommand's setting, else the tool's, else DEFAULT
  local value=""
  [ -n "$1" ] && value="$(standin_var "$STANDIN_NAME" "${1}_${2}")"
  [ -z "$value" ] && value="$(standin_var "$STANDIN_NAME" "$2")"
  printf '%s' "${value:-$3}"
}

standin_log() {
  local log
  log="$(standin_var "$STANDIN_NAME" LOG)"
  if [ -n "$log" ]; then printf '%q ' "$(basename "$0")" "$@" | sed 's/ $//' >>"$log"; printf '\n' >>"$log"; fi
}

# standin_reply SUB DEFAULT_STDOUT_FILE: prints the canned output and exits with the canned status.
standin_reply() {
  local sub="$1" out err code
  out="$(standin_pick "$sub" OUTPUT "$2")"
  err="$(standin_pick "$sub" STDERR "")"
  code="$(standin_pick "$sub" EXIT 0)"
  if [ -n "$out" ]; then cat "$out"; fi
  if [ -n "$err" ]; then cat "$err" >&2; fi
  exit "$code"
}

# standin_split_rendered FILE DIR: writes `helm template` output into DIR the way --output-dir does,
# one file per "# Source: <chart>/templates/x.yaml" comment.
standin_split_rendered() {
  awk -v dir="$2" '
    /^# Source: / { target = dir "/" substr($0, 11); if (!(target in seen)) { seen[target] = 1; n = split(target, parts, "/"); d = ""; for (i = 1; i < n; i++) d = d parts[i] "/"; system("mkdir -p \"" d "\""); printf "---\n" > target } else { print "---" >> target } }
    /^---$/ { next }
    target != "" { print >> target }
  ' "$1"
}
