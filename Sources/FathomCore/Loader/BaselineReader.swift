extension BaselineRules {
    static let keys = ["ignore", "unordered", "headers"]

    /// Reads `"baseline": {"ignore": [...], "unordered": [...], "headers": [...]}`; every
    /// JSONPath is compiled now, so a bad one is an error at its place in the file.
    static func read(_ value: JSON?, checker: inout FileChecker) -> BaselineRules? {
        guard let value else { return nil }
        guard case .object(let o) = value else {
            checker.error("/baseline", "'baseline' must be an object such as {\"ignore\": [\"$..updated_at\"]}, not \(value.typeName)", atValue: true)
            return nil
        }
        checker.checkKeys(o, at: "/baseline", allowed: keys, what: "baseline key")
        var rules = BaselineRules()
        for key in ["ignore", "unordered"] {
            let pointer = "/baseline/" + key
            guard let paths = checker.stringArray(o[key], at: pointer, field: "baseline." + key) else { continue }
            for (i, path) in paths.enumerated() {
                do {
                    _ = try JSONPath.compile(path)
                } catch {
                    checker.error("\(pointer)/\(i)", "'\(path)' is not a JSONPath query: \(error.description); write one such as \"$..updated_at\"", atValue: true)
                }
            }
            if key == "ignore" { rules.ignore = paths } else { rules.unordered = paths }
        }
        if let headers = checker.stringArray(o["headers"], at: "/baseline/headers", field: "baseline.headers") { rules.headers = headers }
        return rules
    }
}
