/// Which requests a run executes: `--folder` and the tag filters applied to the
/// collection's run order.
public enum RequestSelection {
    public static func select(_ collection: CollectionSpec, _ configuration: RunConfiguration) -> [ScheduledRequest] {
        collection.flattened { s in
            if !configuration.folders.isEmpty {
                let inFolder = configuration.folders.contains { want in
                    s.folderNames.contains(want) || s.folderPaths.contains { $0 == want || $0.hasPrefix(want + "/") }
                }
                if !inFolder { return false }
            }
            let tags = s.allTags
            if !configuration.includeTags.isEmpty, tags.isDisjoint(with: configuration.includeTags) { return false }
            if !tags.isDisjoint(with: configuration.excludeTags) { return false }
            return true
        }
    }

    /// The scripts the selected requests would run, each once, in the order first met.
    public static func scripts(of scheduled: [ScheduledRequest]) -> [ScriptSpec] {
        var seen = Set<String>()
        var out: [ScriptSpec] = []
        for s in scheduled {
            for script in s.folders.flatMap(\.settings.scripts) + s.request.scripts {
                let key = script.displayName + "\u{0}" + script.location.describe()
                if seen.insert(key).inserted { out.append(script) }
            }
        }
        return out
    }
}
