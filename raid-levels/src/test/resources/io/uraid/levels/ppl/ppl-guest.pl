#!/usr/bin/perl
# Work inside the user-mode kernel for PplKernelOracleTest (perl-base only; every program
# started there is slow, so one perl does each bulk step).
#   fill PATTERN DEV...                 PATTERN over the whole of each /dev/DEV, then fsync
#   hammer DEV BLOCKS WRITERS DIR SEED  forks WRITERS processes that rewrite random 4 KiB blocks
#                                       of the first BLOCKS of DEV for ever, each with O_SYNC;
#                                       writer w owns the blocks b with b % WRITERS == w, and
#                                       after each write returns appends "b q" to DIR/ackw
#                                       (O_SYNC). Block b's q-th write holds pack("NN", b, q)
#                                       repeated 512 times. Returns at once.
use strict;
use warnings;
use Fcntl qw(O_WRONLY O_RDONLY O_SYNC O_CREAT O_APPEND);
use IO::Handle;

my $cmd = shift @ARGV;

if ($cmd eq 'fill') {
    my $pattern = shift @ARGV;
    for my $dev (@ARGV) {
        open(my $s, '<', "/sys/block/$dev/size") or die "$dev: $!";
        my $size = <$s> * 512;
        sysopen(my $p, $pattern, O_RDONLY) or die "$pattern: $!";
        sysopen(my $d, "/dev/$dev", O_WRONLY) or die "$dev: $!";
        my $done = 0;
        while ($done < $size) {
            my $buf;
            my $n = sysread($p, $buf, $size - $done > 1 << 20 ? 1 << 20 : $size - $done);
            die "$pattern too short" unless $n;
            syswrite($d, $buf) == $n or die "$dev: $!";
            $done += $n;
        }
        $d->sync or die "fsync $dev: $!";
    }
} elsif ($cmd eq 'hammer') {
    my ($dev, $blocks, $writers, $dir, $seed) = @ARGV;
    for my $w (0 .. $writers - 1) {
        my $pid = fork();
        die "fork: $!" unless defined $pid;
        next if $pid;
        srand($seed * 100 + $w);
        sysopen(my $d, $dev, O_WRONLY | O_SYNC) or die "$dev: $!";
        sysopen(my $a, "$dir/ack$w", O_WRONLY | O_CREAT | O_APPEND | O_SYNC) or die "$dir/ack$w: $!";
        my $mine = int(($blocks - $w + $writers - 1) / $writers);
        my $q = 0;
        while (1) {
            my $b = $w + $writers * int(rand($mine));
            $q++;
            sysseek($d, $b * 4096, 0) or die "seek: $!";
            syswrite($d, pack("NN", $b, $q) x 512) == 4096 or die "write $b: $!";
            syswrite($a, "$b $q\n");
        }
    }
} else {
    die "unknown command $cmd\n";
}
