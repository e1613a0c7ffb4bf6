import Foundation

/// Variables bound by an environment file (§4), and which of them are secret.
public struct EnvironmentValues: Sendable {
    public var name: String
    public var variables = JSONObject()
    public var secrets: Set<String> = []
    public init(name: String) { self.name = name }
}

/// Loads Fathom's environment files (§4): a flat object of name → value, or
/// `{"from_env": "VAR", "secret": true}`. (Postman environment exports are read
/// by `FathomPostman`; the command picks the reader by the file's content.)
public enum EnvironmentLoader {
    /// `processEnvironment` is passed in so that nothing reads the process
    /// environment implicitly: only `from_env` bindings consult it.
    public static func load(
        _ nameOrPath: String, collectionRoot: String?, processEnvironment: [String: String]
    ) throws(LoadError) -> EnvironmentValues {
        let path = try locate(nameOrPath, collectionRoot: collectionRoot)
        var diags: [Diagnostic] = []
        guard let (json, map) = CollectionLoader.parseFile(path, into: &diags) else { throw LoadError(diags) }
        return try read(json, map: map, path: path, processEnvironment: processEnvironment)
    }

    /// The file `--env NAME|PATH` means: `environments/NAME.json` of the collection,
    /// else the path; a located error with the names on offer when neither exists.
    public static func locate(_ nameOrPath: String, collectionRoot: String?) throws(LoadError) -> String {
        guard let path = resolvePath(nameOrPath, collectionRoot: collectionRoot) else {
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
        return path
    }

    /// Reads a parsed Fathom environment file.
    public static func read(_ json: JSON, map: JSONSourceMap, path: String, processEnvironment: [String: String]) throws(LoadError) -> EnvironmentValues {
        var env = EnvironmentValues(name: (path as NSString).lastPathComponent.replacingOccurrences(of: ".json", with: ""))
        var checker = FileChecker(file: path, map: map)
        guard case .object(let o) = json else {
            throw LoadError([Diagnostic(file: path, position: SourcePosition(line: 1, column: 1), message: "an environment file must hold a JSON object of name → value, not \(json.typeName)")])
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

    public static func resolvePath(_ nameOrPath: String, collectionRoot: String?) -> String? {
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
