package io.uraid.cli.kernel;

import io.uraid.io.testing.UserModeLinux;
import java.nio.file.Path;
import java.util.List;

/**
 * Shell functions the guest scripts share to drive the kernel's md and report what it did as
 * {@code NAME.key=value} lines: assemble (geometry as md sees it), digest (SHA-256 of the md
 * device), check (mismatch_cnt after a full check), wait for a sync to end, stop.
 */
final class GuestMd {
    private GuestMd() {
    }

    /** The functions, to put at the top of a guest script. */
    static final String FUNCTIONS = """
            set -u
            # Every process started in the guest costs (fork and exec are traced): builtins where possible.
            sys() { v=; read -r v < /sys/block/$1/md/$2 || true; } # MD ATTR: sets v
            idle() { # MD: waits (up to 5 min) until md has no sync action running or pending
              [ -e /sys/block/$1/md/sync_action ] || return 0
              i=0; sys $1 sync_action
              while [ "$v" != idle ] && [ $i -lt 1500 ]; do sleep 0.2; i=$((i + 1)); sys $1 sync_action; done
              [ "$v" = idle ] || echo "$1.idle_timeout=$v"
            }
            report() { # NAME MD: md's view of an assembled array
              read -r v < /sys/block/$2/size; echo "$1.size=$v"
              for k in level layout chunk_size raid_disks degraded array_state; do sys $2 $k; echo "$1.$k=$v"; done
              s=; while read -r l; do case "$l" in "$2 :"*) s=$l; read -r l; s="$s $l";; esac; done < /proc/mdstat
              echo "$1.mdstat=$s"
            }
            assemble() { # NAME MD DEV...: mdadm --assemble, then report
              n=$1; md=$2; shift 2
              read -r up idle < /proc/uptime; echo "$n.uptime=$up"
              mdadm --assemble /dev/$md "$@" > /run/$n.assemble 2>&1
              echo "$n.assembled=$?"
              if [ -d /sys/block/$md/md ]; then report $n $md; else
                while read -r l; do echo "$n.assemble_output=$l"; done < /run/$n.assemble
                dmesg | tail -n 6 > /run/$n.dmesg; while read -r l; do echo "$n.dmesg=$l"; done < /run/$n.dmesg
              fi
            }
            digest() { # NAME MD: SHA-256 of the whole md device, read through the kernel
              sha256sum < /dev/$2 > /run/$1.sha; read -r h rest < /run/$1.sha; echo "$1.sha256=$h"
            }
            check() { # NAME MD: a full md check; mismatch_cnt after it
              idle $2
              echo check > /sys/block/$2/md/sync_action
              idle $2
              sys $2 mismatch_cnt; echo "$1.mismatch=$v"
            }
            stop() { # NAME MD
              mdadm --stop /dev/$2 > /run/$1.stop 2>&1
              echo "$1.stopped=$?"
            }
            """;

    /** The guest's helpers to make and fill arrays, after {@link #FUNCTIONS}. */
    static final String MAKE = """
            create() { # NAME MD MDADM-ARGS...: mdadm --create, wait for the initial sync, report
              n=$1; md=$2; shift 2
              mdadm --create /dev/$md --run --metadata=1.2 --homehost=kernel-test "$@" > /run/$n.create 2>&1
              echo "$n.created=$?"
              while read -r l; do echo "$n.create_output=$l"; done < /run/$n.create
              idle $md
              report $n $md
            }
            fill() { # NAME MD FILE: FILE's first bytes over the whole md device, direct I/O
              read -r sz < /sys/block/$2/size
              dd if="$3" of=/dev/$2 bs=64k count=$((sz / 128)) oflag=direct 2>/dev/null
              echo "$1.filled=$?"
            }
            """;

    /** The guest's name for the {@code i}th device given to the boot (0: /dev/ubdb). */
    static String device(int i) {
        if (i < 0 || i >= UserModeLinux.MAX_DEVICES) {
            throw new IllegalArgumentException("device index " + i);
        }
        return "/dev/ubd" + (char) ('b' + i);
    }

    /** The guest's names of {@code count} devices from the {@code first}th, space-separated. */
    static String devices(int first, int count) {
        StringBuilder b = new StringBuilder();
        for (int i = first; i < first + count; i++) {
            b.append(b.length() == 0 ? "" : " ").append(device(i));
        }
        return b.toString();
    }

    /** The guest's name of {@code file} among {@code attached} (the boot's device list). */
    static String device(List<Path> attached, Path file) {
        int i = attached.indexOf(file);
        if (i < 0) {
            throw new IllegalArgumentException(file + " is not attached");
        }
        return device(i);
    }
}
