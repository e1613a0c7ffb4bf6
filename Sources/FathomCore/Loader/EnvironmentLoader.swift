import Foundation

/// Variables bound by an environment file (§4), and which of them are secret.
public struct EnvironmentValues: Sendable {
    public var name: String
    public var variables = JSONObject()
    public var secrets: Set<String> = []
    public init(name: String) { self.name = name }
}

/// Loads `environments/NAME.json` or a path: a flat object (name → value, or
/// `{"from_env": "VAR", "secret": true}`), or a Postman environment export.
public enum EnvironmentLoader {
    /// `processEnvironment` is passed in so that nothing reads the process
    /// environment implicitly: only `from_env` bindings consult it.
    public static func load(
        _ nameOrPath: String, collectionRoot: String?, processEnvironment: [String: String]
    ) throws(LoadError) -> EnvironmentValues {
        let path = resolvePath(nameOrPath, collectionRoot: collectionRoot)
        guard let path else {
            var msg = "environment '\(nameOrPath)' not found"
            if let root = collectionRoot {
                let dir = (root as NSString).appendingPathComponent("environments")
                let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
                    .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
                msg += names.isEmpty
                    ? " (looked for \(dir)/\(nameOrPath).json; give --env NAME for environments/NAME.json or --env PATH to a file)"
                    : "; available: " + names.joined(separator: ", ")
                if let s = closestMatch(to: nameOrPath, in: names) { msg += " (did you mean '\(s)'?)" }
            }
            throw LoadError([Diagnostic(file: nameOrPath, position: nil, message: msg)])
        }
        var diags: [Diagnostic] = []
        guard let (json, map) = CollectionLoader.parseFile(path, into: &diags) else { throw LoadError(diags) }
        var env = EnvironmentValues(name: (path as NSString).lastPathComponent.replacingOccurrences(of: ".json", with: ""))
        var checker = FileChecker(file: path, map: map)
        guard case .object(let o) = json else {
            throw LoadError([Diagnostic(file: path, position: SourcePosition(line: 1, column: 1), message: "an environment file must hold a JSON object of name → value")])
        }
        // Postman environment export: {"name", "values": [{"key", "value", "enabled", "type"}]}.
        if case .array(let values)? = o["values"], o["values"] != nil, values.allSatisfy({ $0["key"] != nil }) {
            if let n = o["name"]?.stringValue { env.name = n }
            for v in values {
                if v["enabled"] == .bool(false) { continue }
                guard let key = v["key"]?.stringValue else { continue }
                env.variables[key] = v["value"] ?? .string("")
                if v["type"]?.stringValue == "secret" { env.secrets.insert(key) }
            }
            return env
        }
        for (name, value) in o.members {
            let p = "/" + jsonPointerEscape(name)
            if case .object(let b) = value, b["from_env"] != nil || b["value"] != nil || b["secret"] != nil {
                checker.checkKeys(b, at: p, allowed: ["from_env", "value", "secret", "default"], what: "environment binding key")
                let secret = b["secret"]?.boolValue ?? false
                if b["secret"] != nil, b["secret"]?.boolValue == nil { checker.error(p + "/secret", "'secret' must be true or false", atValue: true) }
                if secret { env.secrets.insert(name) }
                if let varName = b["from_env"] {
                    guard let envName = varName.stringValue, !envName.isEmpty else {
                        checker.error(p + "/from_env", "'from_env' must name an environment variable", atValue: true)
                        continue
                    }
                    if let v = processEnvironment[envName] {
                        env.variables[name] = .string(v)
                    } else if let d = b["default"] {
                        env.variables[name] = d
                    } else {
                        checker.error(p + "/from_env", "environment variable \(envName) is not set; export it (e.g. `export \(envName)=...`) or give a \"default\"", atValue: true)
                    }
                } else if let v = b["value"] {
                    env.variables[name] = v
                }
            } else {
                env.variables[name] = value
            }
        }
        if !checker.diagnostics.isEmpty { throw LoadError(checker.diagnostics) }
        return env
    }

    static func resolvePath(_ nameOrPath: String, collectionRoot: String?) -> String? {
        let fm = FileManager.default
        if let root = collectionRoot {
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: root, isDirectory: &isDir), isDir.boolValue {
                let candidate = (root as NSString).appendingPathComponent("environments/\(nameOrPath).json")
                if fm.fileExists(atPath: candidate) { return candidate }
                let candidate2 = (root as NSString).appendingPathComponent("environments/\(nameOrPath)")
                if nameOrPath.hasSuffix(".json"), fm.fileExists(atPath: candidate2) { return candidate2 }
            }
        }
        if fm.fileExists(atPath: nameOrPath) { return nameOrPath }
        return nil
    }
}
