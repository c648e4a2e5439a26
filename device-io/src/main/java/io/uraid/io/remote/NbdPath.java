package io.uraid.io.remote;

import io.uraid.io.nbd.NbdUri;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;

/**
 * A remote member's name where uraid expects a {@link Path}: an NBD URI. Members are named by
 * paths everywhere (assembly, claims, reports, the control socket), so a remote export is one
 * too: a single-element, absolute path whose text is the canonical URI ({@link NbdUri#toString()}).
 * It is its own real path; {@link java.nio.channels.FileChannel#open} of it reads the export
 * (so {@code uraid examine nbd://...} works); anything a file system would do with it
 * (directories, attributes, deletion) is refused. Make one with {@link DevicePaths#of}.
 */
public final class NbdPath implements Path {
    private final NbdFileSystem fs;
    private final NbdUri uri;
    private final String text;

    NbdPath(NbdFileSystem fs, NbdUri uri) {
        this.fs = fs;
        this.uri = uri;
        this.text = uri.toString();
    }

    /** The URI this path names. */
    public NbdUri uri() {
        return uri;
    }

    @Override
    public FileSystem getFileSystem() {
        return fs;
    }

    @Override
    public boolean isAbsolute() {
        return true;
    }

    @Override
    public Path getRoot() {
        return null;
    }

    /** The whole URI: a remote export has no directory above it. */
    @Override
    public Path getFileName() {
        return this;
    }

    @Override
    public Path getParent() {
        return null;
    }

    @Override
    public int getNameCount() {
        return 1;
    }

    @Override
    public Path getName(int index) {
        if (index != 0) {
            throw new IllegalArgumentException("an NBD path has one name");
        }
        return this;
    }

    @Override
    public Path subpath(int beginIndex, int endIndex) {
        if (beginIndex != 0 || endIndex != 1) {
            throw new IllegalArgumentException("an NBD path has one name");
        }
        return this;
    }

    @Override
    public boolean startsWith(Path other) {
        return equals(other);
    }

    @Override
    public boolean endsWith(Path other) {
        return equals(other);
    }

    @Override
    public Path normalize() {
        return this;
    }

    @Override
    public Path resolve(Path other) {
        throw new UnsupportedOperationException(text + " is a remote export, not a directory");
    }

    @Override
    public Path relativize(Path other) {
        throw new UnsupportedOperationException(text + " is a remote export, not a directory");
    }

    @Override
    public URI toUri() {
        return URI.create(text);
    }

    @Override
    public Path toAbsolutePath() {
        return this;
    }

    @Override
    public Path toRealPath(LinkOption... options) {
        return this;
    }

    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
        throw new UnsupportedOperationException("remote exports cannot be watched");
    }

    @Override
    public int compareTo(Path other) {
        if (!(other instanceof NbdPath)) {
            throw new ProviderMismatchException();
        }
        return text.compareTo(other.toString());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NbdPath && ((NbdPath) o).text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
