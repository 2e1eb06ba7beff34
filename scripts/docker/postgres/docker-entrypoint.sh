#!/usr/bin/env bash
# Entrypoint of the fraiseql-deploy postgres stand-in image. Written for this
# project; it follows the documented contract of the official image's
# docker-entrypoint.sh (environment variables, init scripts, privilege drop,
# exec of postgres as PID 1), not its code.
set -Eeuo pipefail

log() { printf '%s [entrypoint] %s\n' "$(date -u '+%Y-%m-%d %H:%M:%S UTC')" "$*"; }
die() { log "error: $*" >&2; exit 1; }

# file_env VAR [DEFAULT]: VAR or VAR_FILE (mutually exclusive), exported.
file_env() {
    local var="$1" def="${2:-}" fvar="${1}_FILE" val
    if [ -n "${!var:-}" ] && [ -n "${!fvar:-}" ]; then
        die "both $var and $fvar are set (but are exclusive)"
    fi
    val="$def"
    if [ -n "${!var:-}" ]; then
        val="${!var}"
    elif [ -n "${!fvar:-}" ]; then
        val="$(< "${!fvar}")"
    fi
    export "$var"="$val"
    unset "$fvar"
}

# `docker run IMAGE -c foo=bar` means `postgres -c foo=bar`
if [ "${1:0:1}" = '-' ]; then
    set -- postgres "$@"
fi

if [ "$1" != 'postgres' ]; then
    exec "$@"
fi

# As root: prepare directories, then re-exec as postgres.
if [ "$(id -u)" = '0' ]; then
    mkdir -p "$PGDATA"
    chmod 00700 "$PGDATA" || :
    chown -R postgres:postgres "$PGDATA" 2>/dev/null || :
    mkdir -p /var/run/postgresql
    chmod 03775 /var/run/postgresql || :
    chown -R postgres:postgres /var/run/postgresql 2>/dev/null || :
    exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
fi

# Running as postgres (or another non-root user chosen with --user).
mkdir -p "$PGDATA"
chmod 00700 "$PGDATA" 2>/dev/null || :

file_env POSTGRES_PASSWORD
file_env POSTGRES_USER 'postgres'
file_env POSTGRES_DB "$POSTGRES_USER"
file_env POSTGRES_INITDB_ARGS
: "${POSTGRES_HOST_AUTH_METHOD:=}"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != 'trust' ]; then
        cat >&2 <<'MSG'
Error: Database is uninitialized and superuser password is not specified.
       You must specify POSTGRES_PASSWORD to a non-empty value for the
       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".

       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all
       connections without a password. This is *not* recommended.
MSG
        exit 1
    fi

    # 18+ layout (docker-library/postgres#1259): PGDATA defaults to
    # /var/lib/postgresql/<major>/docker under a single volume at
    # /var/lib/postgresql. With that default, the official image refuses to
    # create a fresh cluster when it finds data of the old layout or of another
    # major, or a mount at the pre-18 path /var/lib/postgresql/data, which
    # PostgreSQL would no longer use. Do the same, so a compose file that still
    # mounts .../data fails here as it fails with the real image.
    old_data=()
    if [ "$PGDATA" = "/var/lib/postgresql/${PG_MAJOR:-}/docker" ]; then
        for d in /var/lib/postgresql /var/lib/postgresql/data /var/lib/postgresql/*/docker; do
            if [ -s "$d/PG_VERSION" ]; then old_data+=("$d"); fi
        done
        if [ "${#old_data[@]}" -eq 0 ] && [ "$PG_MAJOR" -ge 18 ] && mountpoint -q /var/lib/postgresql/data; then
            old_data+=("/var/lib/postgresql/data (unused mount/volume)")
        fi
    fi
    if [ "${#old_data[@]}" -gt 0 ]; then
        cat >&2 <<MSG
Error: from PostgreSQL 18 on, this image keeps its data in a major-version
       directory, $PGDATA, below a single volume at
       /var/lib/postgresql (the layout pg_ctlcluster and pg_upgrade use;
       see https://github.com/docker-library/postgres/pull/1259).

       That directory is empty, but PostgreSQL data or a mount was found at:
         ${old_data[*]}

       A volume mounted at /var/lib/postgresql/data (the path up to 17) is not
       used any more: mount it at /var/lib/postgresql instead, or set PGDATA
       explicitly. Data of another major version has to be moved with
       pg_upgrade first.
MSG
        exit 1
    fi

    log "initializing database in $PGDATA (user: $POSTGRES_USER, db: $POSTGRES_DB)"
    pwfile="$(mktemp)"
    printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
    # shellcheck disable=SC2086  # POSTGRES_INITDB_ARGS is a word list on purpose
    initdb --username="$POSTGRES_USER" --pwfile="$pwfile" $POSTGRES_INITDB_ARGS > /dev/null
    rm -f "$pwfile"

    # Remote access: scram-sha-256 by default (md5 when asked; md5 also accepts
    # scram-hashed passwords), trust only when explicitly requested.
    if [ -z "$POSTGRES_HOST_AUTH_METHOD" ]; then
        POSTGRES_HOST_AUTH_METHOD="$(postgres -C password_encryption -D "$PGDATA")"
    fi
    printf '\nhost all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD" >> "$PGDATA/pg_hba.conf"

    # Temporary server on the unix socket only, for setup and init scripts.
    pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p 5432" -w start > /dev/null
    psql_base=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc)

    # psql variables are not interpolated in -c strings: feed SQL on stdin.
    db_exists="$(printf '%s\n' "SELECT 1 FROM pg_database WHERE datname = :'db';" |
        "${psql_base[@]}" --dbname postgres -tA -v db="$POSTGRES_DB")"
    if [ -z "$db_exists" ]; then
        "${psql_base[@]}" --dbname postgres -v db="$POSTGRES_DB" <<'SQL' > /dev/null
CREATE DATABASE :"db" ;
SQL
    fi

    shopt -s nullglob
    for f in /docker-entrypoint-initdb.d/*; do
        case "$f" in
            *.sh)
                if [ -x "$f" ]; then
                    log "running $f"; "$f"
                else
                    log "sourcing $f"
                    # shellcheck source=/dev/null
                    . "$f"
                fi
                ;;
            *.sql) log "running $f"; "${psql_base[@]}" --dbname "$POSTGRES_DB" -f "$f" > /dev/null ;;
            *.sql.gz) log "running $f"; gunzip -c "$f" | "${psql_base[@]}" --dbname "$POSTGRES_DB" > /dev/null ;;
            *) log "ignoring $f" ;;
        esac
    done
    shopt -u nullglob

    pg_ctl -D "$PGDATA" -m fast -w stop > /dev/null
    unset POSTGRES_PASSWORD
    log "PostgreSQL init process complete; ready for start up."
else
    log "PostgreSQL database directory appears to contain a database; skipping initialization"
fi

exec "$@"
