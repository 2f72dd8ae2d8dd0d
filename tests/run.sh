#!/usr/bin/env bash
# The test command: installs what the tests need (idempotent), starts a throwaway PostgreSQL on loopback, runs pytest.
#
#   bash tests/run.sh [pytest args...]      e.g. bash tests/run.sh -x -k warehouse
#
# Installs, only when missing: Debian's postgresql, chromium, fonts, nginx-light (deploy/) and a Java 17 runtime for Spark (apt-get update
# runs only then), the pip packages of requirements.txt + requirements-dev.txt, and tests/e2e's npm packages (npm ci,
# from package-lock.json).
# DIEUHANH_TEST_PG set in the environment: that server is used and none is started.
# DIEUHANH_SKIP_INSTALL=1: skip every install step (for quick local reruns).
# DIEUHANH_TEST_WORKERS=N: pytest workers (default 2, the machine's cores; 0 or 1: no worker processes).
# Exit code: pytest's, except that "no tests collected" (5) is a failure too.
set -Eeuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python}"
export DEBIAN_FRONTEND=noninteractive PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
# Playwright must use Debian's chromium: never let it look for (or fetch) a browser build of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PLAYWRIGHT_BROWSERS_PATH=0
export DIEUHANH_CHROMIUM="${DIEUHANH_CHROMIUM:-/usr/bin/chromium}"

now_ms() { local t=${EPOCHREALTIME/[.,]/}; echo $((t / 1000)); }
secs() { local ms=$1; printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100)); }
T_START=$(now_ms)
TIMINGS=()
STEP_T0=0
step() { STEP_T0=$(now_ms); echo "== tests/run.sh: $1"; }
done_step() { TIMINGS+=("$(printf '%-20s %7s s' "$1" "$(secs $(($(now_ms) - STEP_T0)))")"); }
summary() {
    echo "== tests/run.sh timings"
    local t
    for t in "${TIMINGS[@]}"; do echo "   $t"; done
    printf '   %-20s %7s s\n' "total" "$(secs $(($(now_ms) - T_START)))"
}
die() { echo "tests/run.sh: $*" >&2; exit 1; }

if [ "$(id -u)" = 0 ]; then SUDO=(); elif command -v sudo >/dev/null; then SUDO=(sudo -n); else SUDO=(false); fi

# -- Debian packages ------------------------------------------------------------------------------------------------
pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'; }

apt_install() {
    # apt-get update only when something is missing; wait for another apt/dpkg run instead of failing on its lock.
    local lock=(-o DPkg::Lock::Timeout=600)
    "${SUDO[@]}" apt-get "${lock[@]}" update -qq || die "apt-get update failed (need root or sudo for: $*)"
    # With recommends: that is how chromium was proven to run headless here (mesa, fonts-liberation come along).
    # No service may start on install (nginx's package would listen on port 80 of every interface): a policy-rc.d
    # that refuses, unless the machine has one already.
    local policy=/usr/sbin/policy-rc.d own_policy=0
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$policy" >/dev/null && "${SUDO[@]}" chmod +x "$policy" && own_policy=1
    fi
    "${SUDO[@]}" apt-get "${lock[@]}" install -y -qq "$@" >/dev/null \
        || { [ "$own_policy" = 1 ] && "${SUDO[@]}" rm -f "$policy"; die "apt-get install $* failed"; }
    [ "$own_policy" = 1 ] && "${SUDO[@]}" rm -f "$policy"
    return 0
}

install_debian() {
    command -v dpkg-query >/dev/null || die "not a Debian machine: install PostgreSQL, Chromium and Node.js yourself"
    # postgresql gives initdb/pg_ctl; chromium + fonts for Playwright screenshots with Vietnamese glyphs
    # (fonts-noto-core covers Vietnamese; fonts-liberation is what pages fall back to for Arial/Helvetica).
    # nginx-light: the scale-out example (deploy/, python -m deploy) runs nginx in front of several app processes.
    local wanted=(postgresql chromium fonts-noto-core fonts-liberation nginx-light) missing=() p
    for p in "${wanted[@]}"; do pkg_installed "$p" || missing+=("$p"); done
    # Node.js 20 ships with the machine; Debian's own node is the fallback where it is absent.
    command -v node >/dev/null || missing+=(nodejs)
    # Spark (the `spark` tests, local mode through pyspark) needs a Java runtime: 17 is what pyspark 4.0 supports.
    command -v java >/dev/null || missing+=(openjdk-17-jre-headless)
    command -v npm >/dev/null || missing+=(npm)
    if [ ${#missing[@]} -gt 0 ]; then
        echo "   apt-get install ${missing[*]}"
        apt_install "${missing[@]}"
    fi
}

install_python() {
    "$PYTHON" -m pip install -q -r requirements.txt -r requirements-dev.txt
}

install_npm() {
    # npm ci only when package-lock.json changed since the last install (a stamp of its hash in node_modules).
    local dir=tests/e2e stamp=tests/e2e/node_modules/.dieuhanh-lock.sha256 want
    [ -f "$dir/package-lock.json" ] || die "$dir/package-lock.json is missing (run npm install in $dir and commit it)"
    want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
        echo "$want" >"$stamp"
    fi
}

if [ "${DIEUHANH_SKIP_INSTALL:-0}" != 1 ]; then
    step "Debian packages"; install_debian; done_step "debian packages"
    step "pip packages"; install_python; done_step "pip packages"
    step "npm packages (tests/e2e)"; install_npm; done_step "npm packages"
fi

# -- PostgreSQL on loopback --------------------------------------------------------------------------------------------
PG_TMP=""
PG_AS=()
pg_stop() {
    if [ -n "$PG_TMP" ] && [ -f "$PG_TMP/data/postmaster.pid" ]; then
        "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
    fi
    [ -n "$PG_TMP" ] && rm -rf "$PG_TMP"
    PG_TMP=""
}
trap pg_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
    "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start_postgres() {
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    [ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] || die "PostgreSQL server binaries not found under /usr/lib/postgresql"
    PG_TMP=$(mktemp -d /tmp/dieuhanh-pg.XXXXXX)
    # initdb and the server refuse to run as root: as root they run as the postgres user (the package creates it).
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || die "user postgres is missing (is the postgresql package installed?)"
        chown postgres:postgres "$PG_TMP"
        PG_AS=(runuser -u postgres --)
    fi
    # Locale C: byte order, as DuckDB sorts, so ordered results agree across backends; fsync off: a throwaway server.
    "${PG_AS[@]}" "$PG_BIN/initdb" -D "$PG_TMP/data" -U dieuhanh -A trust -E UTF8 --locale=C -N >"$PG_TMP/initdb.log" 2>&1 \
        || { cat "$PG_TMP/initdb.log" >&2; die "initdb failed"; }
    local attempt port
    for attempt in 1 2 3; do
        port=$(free_port)
        if "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w -t 60 \
            -o "-p $port -k $PG_TMP -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
            start >/dev/null; then
            PG_PORT=$port
            break
        fi
        echo "   port $port: server did not start (attempt $attempt)" >&2
    done
    [ -n "${PG_PORT:-}" ] || { cat "$PG_TMP/server.log" >&2; die "PostgreSQL did not start"; }
    "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U dieuhanh dieuhanh_test
    export DIEUHANH_TEST_PG="postgres://dieuhanh@127.0.0.1:$PG_PORT/dieuhanh_test"
    echo "   $("$PG_BIN/postgres" --version) on 127.0.0.1:$PG_PORT"
}

if [ -n "${DIEUHANH_TEST_PG:-}" ]; then
    echo "== tests/run.sh: using DIEUHANH_TEST_PG from the environment"
else
    step "PostgreSQL"; start_postgres; done_step "postgresql start"
fi

# -- pytest -------------------------------------------------------------------------------------------------------------
# Two pytest workers (pytest-xdist), a test file per worker at a time (its module fixtures built once): much of the
# suite waits on servers and a browser, so the second worker fills that time; files start in the order
# tests/conftest.py gives (the long browser and server files first). DIEUHANH_TEST_WORKERS=0: one process.
# (pytest-benchmark, where a machine has it, is not ours: it would only warn that xdist disables it.)
WORKERS="${DIEUHANH_TEST_WORKERS:-2}"
PARALLEL=()
if [ "$WORKERS" != 0 ] && [ "$WORKERS" != 1 ]; then PARALLEL=(-n "$WORKERS" --dist loadfile --no-loadscope-reorder -p no:benchmark); fi
step "pytest ${PARALLEL[*]} $*"
set +e
"$PYTHON" -m pytest "${PARALLEL[@]}" "$@"
rc=$?
set -e
done_step "pytest"
pg_stop
summary
if [ "$rc" = 5 ]; then
    echo "tests/run.sh: pytest collected no tests: that is a failure, not a pass" >&2
    exit 1
fi
exit "$rc"
