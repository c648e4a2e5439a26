package io.uraid.io.remote;

import io.uraid.io.nbd.NbdUri;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.List;
import java.util.Set;

/** The one "file system" of remote exports: it only names them ({@link NbdPath}). */
final class NbdFileSystem extends FileSystem {
    static final NbdFileSystem INSTANCE = new NbdFileSystem();
    private final NbdFileSystemProvider provider = new NbdFileSystemProvider(this);

    private NbdFileSystem() {
    }

    NbdPath path(NbdUri uri) {
        return new NbdPath(this, uri);
    }

    @Override
    public FileSystemProvider provider() {
        return provider;
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("the NBD file system stays open");
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public String getSeparator() {
        return "/";
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        return List.of();
    }

    @Override
    public Iterable<FileStore> getFileStores() {
        return List.of();
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return Set.of();
    }

    @Override
    public Path getPath(String first, String... more) {
        if (more.length > 0) {
            throw new IllegalArgumentException("an NBD path is one URI");
        }
        return path(NbdUri.parse(first));
    }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        throw new UnsupportedOperationException("no globs over remote exports");
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        throw new UnsupportedOperationException("remote exports have no owners here");
    }

    @Override
    public WatchService newWatchService() {
        throw new UnsupportedOperationException("remote exports cannot be watched");
    }
}
