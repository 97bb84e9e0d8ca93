package io.gantry.runtime.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;

/** The libc functions the runtime calls; each failing call throws {@link LastErrorException} carrying errno. */
interface LibC extends Library {

    LibC INSTANCE = Native.load("c", LibC.class);

    int ECHILD = 10;
    int ENOENT = 2;
    int EINVAL = 22;
    int EINTR = 4;

    int PR_SET_CHILD_SUBREAPER = 36;
    int PR_GET_CHILD_SUBREAPER = 37;
    int WNOHANG = 1;
    int MNT_DETACH = 2;

    int prctl(int option, long arg2, long arg3, long arg4, long arg5) throws LastErrorException;

    int prctl(int option, IntByReference result, long arg3, long arg4, long arg5) throws LastErrorException;

    int waitpid(int pid, IntByReference status, int options) throws LastErrorException;

    int mount(String source, String target, String fileSystemType, long flags, String data) throws LastErrorException;

    int umount2(String target, int flags) throws LastErrorException;

    int getpagesize();

    /** @param buffer a struct statvfs (112 bytes on x86_64) */
    int statvfs(String path, com.sun.jna.Pointer buffer) throws LastErrorException;

    int O_RDWR = 2;
    int O_NOCTTY = 0x100;
    int EIO = 5;
    long TIOCSWINSZ = 0x5414;
    long TIOCGWINSZ = 0x5413;

    int posix_openpt(int flags) throws LastErrorException;

    int grantpt(int fd) throws LastErrorException;

    int unlockpt(int fd) throws LastErrorException;

    int ptsname_r(int fd, byte[] buffer, long length) throws LastErrorException;

    /** @param size {rows, columns, x pixels, y pixels}: struct winsize */
    int ioctl(int fd, long request, short[] size) throws LastErrorException;

    long read(int fd, byte[] buffer, long count) throws LastErrorException;

    long write(int fd, byte[] buffer, long count) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int mkfifo(String path, int mode) throws LastErrorException;

    int AF_UNIX = 1;
    int SOCK_STREAM = 1;
    int SOCK_CLOEXEC = 0x80000;
    int SOL_SOCKET = 1;
    int SCM_RIGHTS = 1;
    int MSG_CMSG_CLOEXEC = 0x40000000;

    int socket(int domain, int type, int protocol) throws LastErrorException;

    int bind(int fd, byte[] address, int length) throws LastErrorException;

    int listen(int fd, int backlog) throws LastErrorException;

    int accept4(int fd, com.sun.jna.Pointer address, com.sun.jna.Pointer length, int flags) throws LastErrorException;

    long recvmsg(int fd, com.sun.jna.Pointer message, int flags) throws LastErrorException;

    int isatty(int fd);
}
