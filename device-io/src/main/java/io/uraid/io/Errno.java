package io.uraid.io;

/** The Linux errno values uraid passes around as negative completion results. */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EISDIR = 21;
    public static final int EINVAL = 22;
    public static final int ENOTTY = 25;
    public static final int ENOSPC = 28;
    public static final int ENOSYS = 38;
    public static final int EOVERFLOW = 75;
    public static final int EOPNOTSUPP = 95;
    public static final int ESHUTDOWN = 108;
    public static final int ECANCELED = 125;

    private Errno() {
    }

    /** A short name for an errno value (positive or negative), e.g. "EIO". */
    public static String name(int errno) {
        switch (Math.abs(errno)) {
            case EPERM: return "EPERM";
            case ENOENT: return "ENOENT";
            case EINTR: return "EINTR";
            case EIO: return "EIO";
            case EBADF: return "EBADF";
            case EAGAIN: return "EAGAIN";
            case ENOMEM: return "ENOMEM";
            case EACCES: return "EACCES";
            case EFAULT: return "EFAULT";
            case EBUSY: return "EBUSY";
            case EEXIST: return "EEXIST";
            case ENODEV: return "ENODEV";
            case EISDIR: return "EISDIR";
            case EINVAL: return "EINVAL";
            case ENOTTY: return "ENOTTY";
            case ENOSPC: return "ENOSPC";
            case ENOSYS: return "ENOSYS";
            case EOVERFLOW: return "EOVERFLOW";
            case EOPNOTSUPP: return "EOPNOTSUPP";
            case ESHUTDOWN: return "ESHUTDOWN";
            case ECANCELED: return "ECANCELED";
            default: return "errno " + Math.abs(errno);
        }
    }

    /** "Input/output error"-style description for messages. */
    public static String describe(int errno) {
        switch (Math.abs(errno)) {
            case EPERM: return "operation not permitted";
            case ENOENT: return "no such file or directory";
            case EIO: return "input/output error";
            case EACCES: return "permission denied";
            case EBUSY: return "device or resource busy (in use, mounted or claimed)";
            case EINVAL: return "invalid argument";
            case ENOSPC: return "no space left on device";
            case ENOSYS: return "function not implemented";
            case EOPNOTSUPP: return "operation not supported";
            case ECANCELED: return "operation canceled";
            default: return name(errno);
        }
    }
}
