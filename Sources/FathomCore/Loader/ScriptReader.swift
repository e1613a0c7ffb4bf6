import Foundation

/// Reads a `scripts` member: `{"pre_request": "FILE.js", "test": "FILE.js"}` at
/// collection, folder or request level, each a path (or an array of paths, run in
/// order) relative to the JSON file that names it.
enum ScriptReader {
    static let keys = ["pre_request", "test"]

    static func read(_ value: JSON?, owner: String, checker: inout FileChecker) -> [ScriptSpec] {
        guard let value else { return [] }
        guard let o = checker.object(value, at: "/scripts", field: "scripts") else { return [] }
        checker.checkKeys(o, at: "/scripts", allowed: keys, what: "scripts key")
        let dir = (checker.file as NSString).deletingLastPathComponent
        var out: [ScriptSpec] = []
        for (key, phase) in [("pre_request", ScriptSpec.Phase.preRequest), ("test", .test)] {
            guard let v = o[key] else { continue }
            let p = "/scripts/\(key)"
            var paths: [(String, String)] = []
            switch v {
            case .string(let s): paths = [(s, p)]
            case .array(let items):
                for (i, item) in items.enumerated() {
                    if let s = item.stringValue { paths.append((s, "\(p)/\(i)")) } else {
                        checker.error("\(p)/\(i)", "script paths must be strings, not \(item.typeName)", atValue: true)
                    }
                }
            default:
                checker.error(p, "'\(key)' must be the path of a .js file (or an array of them), not \(v.typeName)", atValue: true)
            }
            for (path, pointer) in paths {
                let full = path.hasPrefix("/") ? path : (dir as NSString).appendingPathComponent(path)
                guard let data = FileManager.default.contents(atPath: full), let text = String(data: data, encoding: .utf8) else {
                    checker.error(pointer, "script '\(path)' not found or not UTF-8 text (looked for \(full)); paths are relative to this file", atValue: true)
                    continue
                }
                out.append(ScriptSpec(phase: phase, source: text, location: SourceRef(file: full), owner: owner))
            }
        }
        return out
    }
}
