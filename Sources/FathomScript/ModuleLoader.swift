import Foundation

/// Node's module resolution, for `require()` in scripts, confined to the system's
/// Node module directory (Debian installs `node-lodash`, `node-moment`, ... under
/// `/usr/share/nodejs`). Nothing outside the allowed directories can be read.
struct ModuleLoader {
    let root: String
    /// Where a resolved file may really be (Debian links some packages into these).
    let allowed: [String]

    init(root: String) {
        self.root = root
        allowed = [root, "/usr/share/javascript", "/usr/lib/nodejs", "/usr/share/nodejs"]
    }

    /// The file `request` means when required from a file in directory `from`
    /// (nil: a script), or an error that names the module.
    func resolve(_ request: String, from: String?) throws(ScriptEngine.HostError) -> String {
        let fm = FileManager.default
        var candidates: [String] = []
        if request.hasPrefix("./") || request.hasPrefix("../") || request.hasPrefix("/") {
            guard let from, !request.hasPrefix("/") else {
                throw ScriptEngine.HostError(description: "require('\(request)'): scripts cannot load files; only packages")
            }
            candidates = [normalize(from + "/" + request)]
        } else {
            var dir = from
            while let d = dir, d.count > 1 {
                candidates.append(d + "/node_modules/" + request)
                dir = (d as NSString).deletingLastPathComponent
            }
            candidates.append(root + "/" + request)
        }
        for c in candidates {
            if let file = resolveFile(c, fm: fm) {
                guard isAllowed(file) else { break }
                return file
            }
        }
        throw ScriptEngine.HostError(description: "require('\(request)'): module not found")
    }

    private func resolveFile(_ path: String, fm: FileManager) -> String? {
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue { return path }
        for ext in [".js", ".json", ".cjs"] where fm.fileExists(atPath: path + ext) { return path + ext }
        guard fm.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else { return nil }
        if let data = fm.contents(atPath: path + "/package.json"), let pkg = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            // Prefer the browser build: it needs no Node built-ins.
            var entries: [String] = []
            if let b = pkg["browser"] as? String { entries.append(b) }
            if let b = pkg["browser"] as? [String: Any], let main = pkg["main"] as? String,
                let mapped = (b[main] ?? b["./" + main] ?? b["./" + main + ".js"]) as? String
            {
                entries.append(mapped)
            }
            if let m = pkg["main"] as? String { entries.append(m) }
            for e in entries {
                let full = normalize(path + "/" + e)
                if let f = resolveFile(full, fm: fm), f != path { return f }
            }
        }
        for index in ["/index.js", "/index.json"] where fm.fileExists(atPath: path + index) { return path + index }
        return nil
    }

    private func isAllowed(_ path: String) -> Bool {
        let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        return allowed.contains { real == $0 || real.hasPrefix($0 + "/") }
    }

    /// The text of a resolved module file (allowed directories only).
    func read(_ path: String) throws(ScriptEngine.HostError) -> String {
        guard isAllowed(path), let data = FileManager.default.contents(atPath: path) else {
            throw ScriptEngine.HostError(description: "require: cannot read \(path)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    private func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for p in path.split(separator: "/", omittingEmptySubsequences: true) {
            if p == "." { continue }
            if p == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(p)
        }
        return "/" + parts.joined(separator: "/")
    }
}
