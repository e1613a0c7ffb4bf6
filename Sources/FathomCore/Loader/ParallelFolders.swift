import Foundation

/// The load-time check behind `"parallel": true`: top-level folders that may run
/// at the same time must not depend on each other's captures. A folder that uses
/// `{{name}}` which a sibling of its parallel group captures (and it does not
/// capture itself) would read it before, after, or never, depending on timing,
/// so the collection is refused with both places named.
///
/// Siblings are the consecutive top-level folders marked parallel (a request or
/// an unmarked folder between them ends the group: it runs after the group, and
/// sees every capture of it). Uses are found in the text of the folder's request
/// files and folder.json files; what scripts read is not checked.
enum ParallelFolders {
    static func check(_ collection: CollectionSpec) -> [Diagnostic] {
        var groups: [[Folder]] = []
        var current: [Folder] = []
        for child in collection.root.children {
            if case .folder(let f) = child, ParallelPlan.isParallel(f, in: collection) {
                current.append(f)
            } else if !current.isEmpty {
                groups.append(current)
                current = []
            }
        }
        if !current.isEmpty { groups.append(current) }

        var out: [Diagnostic] = []
        for group in groups where group.count > 1 {
            let captures = group.map { captured(in: $0) }
            // Nothing captured in the group: nothing to depend on, no file to read.
            if captures.allSatisfy(\.isEmpty) { continue }
            for (gi, user) in group.enumerated() {
                let own = captures[gi]
                for (file, names) in uses(in: user) {
                    for name in names where own[name] == nil {
                        guard let (owner, captureFile) = captures.enumerated().lazy
                            .compactMap({ (i, c) in i != gi ? c[name].map { (group[i], $0) } : nil }).first
                        else { continue }
                        out.append(Diagnostic(
                            file: file, position: nil,
                            message: "folder \"\(user.id)\" is marked \"parallel\", but this file uses {{\(name)}}, which folder \"\(owner.id)\" captures (\(captureFile)); with --parallel the two folders run at the same time, so the value may not be there yet. Capture \(name) in \"\(user.id)\" too, move the request that captures it before the parallel folders, or remove \"parallel\": true from one of them"))
                    }
                }
            }
        }
        return out
    }

    /// Names captured by a folder's requests, each with the first file capturing it.
    static func captured(in folder: Folder) -> [String: String] {
        var out: [String: String] = [:]
        func walk(_ f: Folder) {
            for child in f.children {
                switch child {
                case .folder(let sub): walk(sub)
                case .request(let r):
                    for c in r.captures where out[c.name] == nil { out[c.name] = r.file }
                }
            }
        }
        walk(folder)
        return out
    }

    /// The `{{name}}` references of each file of a folder, in file order.
    static func uses(in folder: Folder) -> [(String, [String])] {
        var files: [String] = []
        func walk(_ f: Folder) {
            if let source = f.source?.file, source.hasSuffix("folder.json") { files.append(source) }
            for child in f.children {
                switch child {
                case .folder(let sub): walk(sub)
                case .request(let r): files.append(r.file)
                }
            }
        }
        walk(folder)
        var seen = Set<String>()
        return files.compactMap { file in
            guard seen.insert(file).inserted, let data = FileManager.default.contents(atPath: file) else { return nil }
            let names = templateNames(Array(data))
            return names.isEmpty ? nil : (file, names)
        }
    }

    /// The variable names between `{{` and `}}` (dynamic `$` values left out), each once.
    static func templateNames(_ bytes: [UInt8]) -> [String] {
        var names: [String] = []
        var seen = Set<String>()
        var i = 0
        let n = bytes.count
        while i + 1 < n {
            guard bytes[i] == 0x7B, bytes[i + 1] == 0x7B else {
                i += 1
                continue
            }
            var j = i + 2
            while j + 1 < n, !(bytes[j] == 0x7D && bytes[j + 1] == 0x7D), bytes[j] != 0x7B, bytes[j] != 0x0A { j += 1 }
            guard j + 1 < n, bytes[j] == 0x7D, bytes[j + 1] == 0x7D else {
                i = j
                continue
            }
            var a = i + 2
            var b = j
            while a < b, bytes[a] == 0x20 || bytes[a] == 0x09 { a += 1 }
            while b > a, bytes[b - 1] == 0x20 || bytes[b - 1] == 0x09 { b -= 1 }
            if a < b, bytes[a] != 0x24 {
                let name = String(decoding: bytes[a..<b], as: UTF8.self)
                if seen.insert(name).inserted { names.append(name) }
            }
            i = j + 2
        }
        return names
    }
}
