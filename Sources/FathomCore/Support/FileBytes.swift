#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads with one open, one fstat and as few reads as the size needs:
/// a collection's request files are read at load and again when each runs, and
/// `FileManager.contents(atPath:)` costs several times as much per small file.
public enum FileBytes {
    /// The file's bytes, or nil when it cannot be opened or read, or is not a
    /// regular file: a directory, or a FIFO or device, which could block forever
    /// (it is opened without blocking to find out).
    public static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        // One byte more than the size, so a file that grew is read on to its end.
        var capacity = max(Int(st.st_size) + 1, 64)
        var bytes = [UInt8](repeating: 0, count: capacity)
        var count = 0
        while true {
            if count == capacity {
                capacity *= 2
                bytes.append(contentsOf: repeatElement(0, count: capacity - bytes.count))
            }
            let n = bytes.withUnsafeMutableBytes { buffer in
                systemRead(fd, buffer.baseAddress! + count, capacity - count)
            }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { break }
            count += n
        }
        bytes.removeLast(bytes.count - count)
        return bytes
    }
}

extension FileBytes {
    /// Whether `path` exists and is neither a regular file nor a directory.
    public static func isSpecialFile(_ path: String) -> Bool {
        var st = stat()
        guard stat(path, &st) == 0 else { return false }
        let type = st.st_mode & S_IFMT
        return type != S_IFREG && type != S_IFDIR
    }
}

@inline(__always)
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.read(fd, buffer, count)
    #else
    return Darwin.read(fd, buffer, count)
    #endif
}

/// A directory's entries with whether each is a directory, from `readdir`'s entry
/// type, so listing a folder of request files costs no `stat` per file. Entries
/// whose type the file system does not give, and symbolic links, are `stat`ed
/// (links are followed, as a path is). "." and ".." are left out.
public enum DirectoryListing {
    public struct Entry: Sendable {
        public var name: String
        public var isDirectory: Bool
    }

    /// Why a directory could not be listed: `opendir`'s `errno`, and its text.
    public struct Failure: Error, Sendable {
        public var code: Int32
        public var message: String { String(cString: strerror(code)) }
    }

    /// The entries, or why `opendir` failed.
    public static func entries(_ path: String) -> Result<[Entry], Failure> {
        guard let dir = opendir(path) else { return .failure(Failure(code: errno)) }
        defer { closedir(dir) }
        var out: [Entry] = []
        while let ent = readdir(dir) {
            let name = withUnsafeBytes(of: ent.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name == "." || name == ".." { continue }
            let type = Int32(ent.pointee.d_type)
            var isDirectory = type == Int32(DT_DIR)
            if type == Int32(DT_UNKNOWN) || type == Int32(DT_LNK) {
                var st = stat()
                isDirectory = stat(path + "/" + name, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
            }
            out.append(Entry(name: name, isDirectory: isDirectory))
        }
        return .success(out)
    }
}
