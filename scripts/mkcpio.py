#!/usr/bin/env python3
"""Pack a directory tree into a cpio "newc" archive (an initramfs).

Usage: mkcpio.py DIR OUT

Every entry is owned by root (uid/gid 0) with mtime 0 and the file's own
permission bits, in sorted order, so the archive depends only on the tree's
contents.  Regular files, directories and symlinks only: device nodes are
not needed (the /init mounts devtmpfs).  Linux accepts several such archives
concatenated, which is how a test adds its own files to the L1 image.
"""
import os
import stat
import sys


def header(ino, mode, nlink, size, name):
    fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0, 0, 0, len(name) + 1, 0]
    return b"070701" + b"".join(b"%08X" % f for f in fields)


def pad(n):
    return b"\0" * ((4 - n % 4) % 4)


def entry(out, ino, mode, nlink, name, data):
    head = header(ino, mode, nlink, len(data), name) + name + b"\0"
    out.write(head + pad(len(head)))
    out.write(data + pad(len(data)))


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: mkcpio.py DIR OUT")
    root, dest = sys.argv[1], sys.argv[2]
    if not os.path.isdir(root):
        sys.exit("mkcpio: %s is not a directory" % root)
    paths = []
    for top, dirs, files in os.walk(root):
        dirs.sort()
        for n in sorted(dirs + files):
            paths.append(os.path.join(top, n))
    paths.sort()
    tmp = "%s.tmp.%d" % (dest, os.getpid())
    with open(tmp, "wb") as out:
        ino = 1
        for p in paths:
            name = os.path.relpath(p, root).encode()
            st = os.lstat(p)
            perm = stat.S_IMODE(st.st_mode)
            if stat.S_ISLNK(st.st_mode):
                entry(out, ino, stat.S_IFLNK | 0o777, 1, name,
                      os.readlink(p).encode())
            elif stat.S_ISDIR(st.st_mode):
                entry(out, ino, stat.S_IFDIR | perm, 2, name, b"")
            elif stat.S_ISREG(st.st_mode):
                with open(p, "rb") as f:
                    entry(out, ino, stat.S_IFREG | perm, 1, name, f.read())
            else:
                sys.exit("mkcpio: %s: only files, directories, symlinks" % p)
            ino += 1
        entry(out, ino, 0, 1, b"TRAILER!!!", b"")
        out.write(pad(out.tell() % 512 and 512 - out.tell() % 512))
    os.replace(tmp, dest)


if __name__ == "__main__":
    main()
