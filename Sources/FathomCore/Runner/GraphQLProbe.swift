/// A one-request collection that asks the collection's GraphQL endpoint one query of
/// Fathom's own (`fathom check --introspect`, `fathom schema pull`), sent exactly as
/// the collection's own GraphQL requests are: same URL, auth, headers, variables and
/// options, inherited through the same folders.
extension CollectionSpec {
    /// The first GraphQL request in run order is kept, in its folders, with its body
    /// replaced by `query` and its assertions, captures, scripts and skip removed;
    /// every other request and every script goes. A collection without GraphQL
    /// requests but with a `graphql_endpoint` gets one request at its root. `nil`: the
    /// collection says nowhere where GraphQL goes.
    public func graphQLProbe(query: String, name: String) -> CollectionSpec? {
        func strip(_ settings: Settings) -> Settings {
            var s = settings
            s.scripts = []
            s.order = nil
            return s
        }
        func probe(from request: RequestSpec) -> RequestSpec {
            var r = RequestSpec(id: request.id, name: name, source: request.source, baseDirectory: request.baseDirectory)
            r.method = "POST"
            r.url = request.url
            r.query = request.query
            r.headers = request.headers
            r.auth = request.auth
            r.options = request.options
            r.body = .graphql(GraphQLBody(query: query))
            return r
        }
        /// The folder pruned to the path of the first GraphQL request, or nil when it has none.
        func prune(_ folder: Folder) -> Folder? {
            for child in folder.children {
                switch child {
                case .request(let r) where r.isGraphQL:
                    let whole = (try? r.loaded()) ?? r
                    return Folder(id: folder.id, name: folder.name, settings: strip(folder.settings), children: [.request(probe(from: whole))], source: folder.source)
                case .folder(let sub):
                    if let kept = prune(sub) {
                        return Folder(id: folder.id, name: folder.name, settings: strip(folder.settings), children: [.folder(kept)], source: folder.source)
                    }
                default:
                    continue
                }
            }
            return nil
        }
        var root: Folder
        if let pruned = prune(self.root) {
            root = pruned
        } else if self.root.settings.graphqlEndpoint != nil {
            let file = format.isPostman ? rootPath : rootPath + "/collection.json"
            var r = RequestSpec(id: "collection.json", name: name, source: SourceRef(file: file))
            r.method = "POST"
            r.body = .graphql(GraphQLBody(query: query))
            root = Folder(id: "", name: self.root.name, settings: strip(self.root.settings), children: [.request(r)], source: self.root.source)
        } else {
            return nil
        }
        root.settings.scripts = []
        return CollectionSpec(name: self.name, description: description, rootPath: rootPath, root: root, format: format)
    }
}
