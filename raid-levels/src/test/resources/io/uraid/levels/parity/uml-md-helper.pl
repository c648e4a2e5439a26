#!/usr/bin/perl
# Bulk work for the parity oracle inside the user-mode kernel, where every program started
# costs a large fraction of a second: one perl process attaches hundreds of loop devices or
# reads and writes every array. Only perl-base (Debian: essential) is used.
#   attach N=FILE...              /dev/loopN <- FILE (LOOP_SET_FD)
#   write PATTERN DEV...          PATTERN over the whole of each /dev/DEV, then fsync
#   compare PATTERN KEY NAME=DEV... prints "R NAME KEY ok" or "R NAME KEY differs at OFFSET"
#   rewrite PATTERN DEV OFFSET LEN  rewrites LEN bytes of the pattern at OFFSET, then fsync
use strict;
use warnings;
use Fcntl qw(O_RDWR O_RDONLY O_WRONLY);
use IO::Handle;

my $LOOP_SET_FD = 0x4C00;
my $cmd = shift @ARGV;

sub size_of { my ($dev) = @_; open(my $f, '<', "/sys/block/$dev/size") or die "$dev: $!"; my $s = <$f>; return $s * 512; }
sub slurp { my ($path, $len) = @_; sysopen(my $f, $path, O_RDONLY) or die "$path: $!"; my $buf = '';
    while (length($buf) < $len) { my $n = sysread($f, $buf, $len - length($buf), length($buf)); die "$path: $!" unless defined $n; last if $n == 0; }
    return $buf; }
sub put { my ($dev, $data, $at) = @_; sysopen(my $f, "/dev/$dev", O_WRONLY) or die "$dev: $!"; sysseek($f, $at, 0);
    my $done = 0; while ($done < length($data)) { my $n = syswrite($f, $data, 1 << 20, $done); die "$dev: $!" unless $n; $done += $n; }
    $f->sync or die "fsync $dev: $!"; close($f); }

if ($cmd eq 'attach') {
    for my $arg (@ARGV) {
        my ($n, $file) = split /=/, $arg, 2;
        sysopen(my $loop, "/dev/loop$n", O_RDWR) or die "/dev/loop$n: $!";
        sysopen(my $back, $file, O_RDWR) or die "$file: $!";
        ioctl($loop, $LOOP_SET_FD, fileno($back)) or die "attach $file to loop$n: $!";
    }
} elsif ($cmd eq 'write') {
    my $pattern = shift @ARGV;
    for my $dev (@ARGV) { my $size = size_of($dev); put($dev, slurp($pattern, $size), 0); }
} elsif ($cmd eq 'compare') {
    my ($pattern, $key) = (shift @ARGV, shift @ARGV);
    for my $arg (@ARGV) {
        my ($name, $dev) = split /=/, $arg, 2;
        my $size = size_of($dev);
        my $want = slurp($pattern, $size);
        my $got = slurp("/dev/$dev", $size);
        if ($got eq $want) { print "R $name $key ok\n"; next; }
        my $i = 0; $i++ while $i < length($got) && substr($got, $i, 1) eq substr($want, $i, 1);
        print "R $name $key differs at $i\n";
    }
} elsif ($cmd eq 'rewrite') {
    my ($pattern, $dev, $at, $len) = @ARGV;
    put($dev, substr(slurp($pattern, $at + $len), $at, $len), $at);
} else {
    die "unknown command $cmd\n";
}
