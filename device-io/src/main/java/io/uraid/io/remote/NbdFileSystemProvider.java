package io.uraid.io.remote;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.Map;
import java.util.Set;

/**
 * The provider behind {@link NbdPath}: opening one for reading connects to the export
 * ({@link NbdFileChannel}); everything else a file system does is refused with an
 * {@link IOException} or {@link UnsupportedOperationException} naming the export. Writes go
 * through an I/O engine ({@link NbdEngine}), never through a channel.
 */
final class NbdFileSystemProvider extends FileSystemProvider {
    private final NbdFileSystem fs;

    NbdFileSystemProvider(NbdFileSystem fs) {
        this.fs = fs;
    }

    @Override
    public String getScheme() {
        return "nbd";
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
        throw new UnsupportedOperationException("there is one NBD file system");
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
        return fs;
    }

    @Override
    public Path getPath(URI uri) {
        return fs.getPath(uri.toString());
    }

    private static NbdPath nbd(Path p) {
        if (!(p instanceof NbdPath)) {
            throw new ProviderMismatchException();
        }
        return (NbdPath) p;
    }

    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        for (OpenOption o : options) {
            if (o != StandardOpenOption.READ) {
                throw new UnsupportedOperationException(path + ": remote exports are opened read-only here; "
                        + "they are written through an I/O engine");
            }
        }
        return NbdFileChannel.open(nbd(path).uri());
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options,
                                              FileAttribute<?>... attrs) throws IOException {
        return newFileChannel(path, options, attrs);
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        throw new IOException(dir + ": a remote export is not a directory");
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        throw new IOException(dir + ": cannot create a directory on a remote export");
    }

    @Override
    public void delete(Path path) throws IOException {
        throw new IOException(path + ": a remote export cannot be deleted from here");
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        throw new IOException(source + ": remote exports are not copied as files");
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        throw new IOException(source + ": remote exports are not moved as files");
    }

    @Override
    public boolean isSameFile(Path path, Path path2) {
        return path.equals(path2);
    }

    @Override
    public boolean isHidden(Path path) {
        return false;
    }

    @Override
    public FileStore getFileStore(Path path) throws IOException {
        throw new IOException(path + ": a remote export has no file store");
    }

    /** Whether the export exists is only known by connecting: that is what opening it does. */
    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        nbd(path);
    }

    @Override
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        return null;
    }

    @Override
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        throw new IOException(path + ": a remote export has no file attributes");
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
            throws IOException {
        throw new IOException(path + ": a remote export has no file attributes");
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        throw new IOException(path + ": a remote export has no file attributes");
    }
}
