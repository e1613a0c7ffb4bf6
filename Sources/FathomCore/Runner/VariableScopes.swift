/// The variable scopes of a run, which change as it goes: the iteration's data
/// row is swapped in for each iteration, captures add to the local scope, and
/// (with scripts) `pm.environment.set` and friends write to theirs.
///
/// Lookup goes from the highest scope down:
///
///     local (captured)  →  --secret  →  --var  →  data row  →  environment
///       →  folders (innermost first)  →  collection  →  globals
///
/// which is the format's order (§4), with Postman's globals below everything.
/// Newman's order (local > data > environment > collection > globals) is the same
/// with the command-line scope left out.
///
/// Used by one run at a time, from the run loop's task.
public final class VariableScopes: @unchecked Sendable {
    public var globals: JSONObject
    public var collection: JSONObject
    public var environment: JSONObject
    public var data = JSONObject()
    public let commandLine: JSONObject
    public let commandLineSecrets: JSONObject
    /// Values captured (or set by scripts as local variables) during the run.
    public var local = JSONObject()

    public init(collection: JSONObject, configuration: RunConfiguration) {
        self.collection = collection
        globals = configuration.globals?.variables ?? JSONObject()
        environment = configuration.environment?.variables ?? JSONObject()
        commandLine = configuration.variables
        commandLineSecrets = configuration.secretVariables
    }

    private init(copying other: VariableScopes) {
        globals = other.globals
        collection = other.collection
        environment = other.environment
        data = other.data
        commandLine = other.commandLine
        commandLineSecrets = other.commandLineSecrets
        local = other.local
    }

    /// An independent copy: a parallel lane's scopes.
    public func copy() -> VariableScopes { VariableScopes(copying: self) }

    /// Writes back what `lane` changed since `start` (set, changed or removed
    /// values of the writable scopes), as if its requests had run here.
    public func absorb(_ lane: VariableScopes, since start: VariableScopes) {
        func merge(_ mine: inout JSONObject, _ theirs: JSONObject, _ before: JSONObject) {
            for (k, v) in theirs.members where before[k] != v { mine[k] = v }
            for (k, _) in before.members where theirs[k] == nil { mine[k] = nil }
        }
        merge(&globals, lane.globals, start.globals)
        merge(&collection, lane.collection, start.collection)
        merge(&environment, lane.environment, start.environment)
        merge(&local, lane.local, start.local)
    }

    /// The value of `name` for a request under `folders` (the collection root first).
    public func lookup(_ name: String, folders: ArraySlice<Folder>) -> JSON? {
        if let v = local[name] { return v }
        if let v = commandLineSecrets[name] { return v }
        if let v = commandLine[name] { return v }
        if let v = data[name] { return v }
        if let v = environment[name] { return v }
        for f in folders.reversed() { if let v = f.settings.variables[name] { return v } }
        if let v = collection[name] { return v }
        return globals[name]
    }

    /// A lookup function bound to one request's folders (the root excluded: its
    /// variables are the collection scope).
    public func lookupFunction(folders: [Folder]) -> (String) -> JSON? {
        let inner = folders.dropFirst()
        return { [self] name in self.lookup(name, folders: inner) }
    }
}
