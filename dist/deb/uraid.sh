#!/bin/sh
# /usr/sbin/uraid, installed by the uraid Debian package: runs the uraid CLI with the Java runtime the
# package depends on. The jar is found relative to this script (/usr/sbin -> /usr/share/uraid), so an
# installation unpacked under another root (dpkg --root) runs as well.
#   JAVA_HOME         use $JAVA_HOME/bin/java instead of java from PATH
#   URAID_JAVA_OPTS   extra JVM options (for the daemon: systemctl edit uraid, Environment=URAID_JAVA_OPTS=...)
set -e
self=$(readlink -f "$0")
jar="${self%/*}/../share/uraid/uraid.jar"
if [ -n "${JAVA_HOME:-}" ]; then
    java="$JAVA_HOME/bin/java"
else
    java=java
fi
# shellcheck disable=SC2086 # URAID_JAVA_OPTS holds several words on purpose
exec "$java" ${URAID_JAVA_OPTS:-} -jar "$jar" "$@"
