import Foundation

extension JSONSourceMap {
    /// The positions of a file's keys and values, read and parsed again (a lazy
    /// map's first use); nil when the file no longer reads or parses.
    static func readMaps(file: String) -> (values: [String: SourcePosition], keys: [String: SourcePosition])? {
        guard let data = FileManager.default.contents(atPath: file), let (bytes, _) = TextDecoding.utf8(data),
            let (_, map) = try? JSONParser.parseWithSourceMap(bytes)
        else { return nil }
        return map.table.maps
    }
}
