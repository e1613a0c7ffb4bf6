/// The request files of one folder of a native collection, as the loader keeps
/// them between validating them and running them.
///
/// Every file is read and checked in full when the collection loads (so a bad
/// file stops the run before anything is sent), but what is kept of it is only
/// what planning a run needs: its file name, and its display name, tags, skip,
/// scripts and captures when it has them, plus two flags. That is about 50 bytes
/// for a typical request instead of the 2 KiB of a parsed one, so a collection of
/// 100,000 files loads into a few MiB. The runner reads each file again when its
/// turn comes (`RequestSpec.loaded()`), and drops it once it has run.
///
/// `@unchecked Sendable`: the loader fills a table while it walks the folder, and
/// nothing writes to it afterwards.
final class RequestFiles: RequestBox, @unchecked Sendable {
    /// The folder on disk, without a trailing slash.
    let directory: String
    /// The folder's id followed by "/", or "" at the root.
    let idPrefix: String

    /// File names, one after another, and where each ends.
    private var nameBytes: [UInt8] = []
    private var ends: [UInt32] = []
    private var flags: [UInt8] = []
    /// What only some requests have, by index.
    private var extras: [Int32: Extras] = [:]

    struct Extras {
        var name: String?
        var description: String?
        var tags: [String] = []
        var skip: String?
        var scripts: [ScriptSpec] = []
        var captures: [CaptureSpec] = []
    }

    struct Flags: OptionSet {
        let rawValue: UInt8
        static let hasURL = Flags(rawValue: 1)
        static let graphQL = Flags(rawValue: 2)
    }

    init(directory: String, folderID: String) {
        self.directory = directory
        idPrefix = folderID.isEmpty ? "" : folderID + "/"
        super.init()
    }

    var count: Int { ends.count }

    /// Keeps the summary of `request`, read from `entry` in this folder; returns the
    /// deferred request that stands for it in the tree.
    func add(_ request: RequestSpec, entry: String) -> RequestSpec {
        let index = Int32(ends.count)
        nameBytes.append(contentsOf: entry.utf8)
        ends.append(UInt32(nameBytes.count))
        var f = Flags()
        if request.url != nil { f.insert(.hasURL) }
        if request.body?.isGraphQL == true { f.insert(.graphQL) }
        flags.append(f.rawValue)
        var e = Extras()
        if request.name != CollectionLoader.displayName(entry) { e.name = request.name }
        e.description = request.description
        e.tags = request.tags
        e.skip = request.skip
        e.scripts = request.scripts
        e.captures = request.captures
        if e.name != nil || e.description != nil || !e.tags.isEmpty || e.skip != nil || !e.scripts.isEmpty || !e.captures.isEmpty {
            extras[index] = e
        }
        return RequestSpec(deferredIn: self, index: index)
    }

    // MARK: - What a deferred request answers without reading its file

    func entry(_ i: Int32) -> String {
        let start = i == 0 ? 0 : Int(ends[Int(i) - 1])
        return String(decoding: nameBytes[start..<Int(ends[Int(i)])], as: UTF8.self)
    }

    func id(_ i: Int32) -> String { idPrefix + entry(i) }
    func file(_ i: Int32) -> String { directory + "/" + entry(i) }
    func name(_ i: Int32) -> String { extras[i]?.name ?? CollectionLoader.displayName(entry(i)) }
    func flags(_ i: Int32) -> Flags { Flags(rawValue: flags[Int(i)]) }
    func extras(_ i: Int32) -> Extras? { extras[i] }

    /// The request as its file says now, read and checked again.
    ///
    /// Throws when the file no longer reads as a valid request (it changed or went
    /// away after the collection loaded), with the loader's messages.
    func load(_ i: Int32) throws(LoadError) -> RequestSpec {
        let (request, diagnostics) = CollectionLoader.readRequestFile(entry(i), directory: directory, idPrefix: idPrefix)
        let errors = diagnostics.filter { $0.severity == .error }
        guard let request, errors.isEmpty else { throw LoadError(errors) }
        return request
    }
}
