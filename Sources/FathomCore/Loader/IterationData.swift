import Foundation

/// Iteration data (`--data FILE`, Newman's `-d`): one variable scope per row.
///
/// - JSON: an array of objects (`[{"id": 1}, {"id": 2}]`); values keep their types.
/// - CSV (RFC 4180, by extension `.csv` or when the text is not JSON): a header row of
///   variable names, then one row per iteration. Quoted fields may hold commas,
///   quotes (doubled) and line breaks, and stay strings; unquoted fields are trimmed,
///   and become numbers when they are numbers written the way JSON writes them back
///   (`7890`, `-7890`, `2.5`; not `00123`, which stays the string it is). A row with
///   more or fewer fields than the header is an error (Newman pads or drops them
///   silently). A UTF-8 byte-order mark is ignored; blank lines are skipped.
///
/// The CSV reader is hand-written: the reachable Swift CSV libraries do not say
/// which fields were quoted, which the typing rule needs, nor where a ragged row is.
public enum IterationData {
    public static func load(_ path: String) throws(LoadError) -> [JSONObject] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError([Diagnostic(file: path, position: nil, message: "cannot read the iteration data file (check that it exists and is readable)")])
        }
        guard let (bytes, _) = TextDecoding.utf8(data) else {
            throw LoadError([Diagnostic(file: path, position: nil, message: "the file looks like UTF-16 but does not decode; save it as UTF-8")])
        }
        let firstByte = bytes.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
        let looksJSON = firstByte == UInt8(ascii: "[") || firstByte == UInt8(ascii: "{")
        if path.lowercased().hasSuffix(".csv") || !looksJSON {
            return try csv(bytes, file: path)
        }
        return try json(bytes, file: path)
    }

    /// Iteration data from bytes already read (UTF-8), as `load` reads a file:
    /// CSV when `csv` is true, else JSON.
    public static func parse(_ bytes: [UInt8], file: String, csv isCSV: Bool) throws(LoadError) -> [JSONObject] {
        isCSV ? try csv(bytes, file: file) : try json(bytes, file: file)
    }

    static func json(_ bytes: [UInt8], file: String) throws(LoadError) -> [JSONObject] {
        let (value, map): (JSON, JSONSourceMap)
        do { (value, map) = try JSONParser.parseWithSourceMap(bytes) } catch {
            throw LoadError([Diagnostic(file: file, position: error.position, message: "invalid JSON: \(error.message)")])
        }
        guard case .array(let rows) = value else {
            throw LoadError([Diagnostic(file: file, position: SourcePosition(line: 1, column: 1),
                message: "iteration data must be a JSON array of objects (one per iteration) or a CSV file; this file holds a JSON \(value.typeName)")])
        }
        var out: [JSONObject] = []
        var diags: [Diagnostic] = []
        for (i, row) in rows.enumerated() {
            guard case .object(let o) = row else {
                diags.append(Diagnostic(file: file, position: map.valuePosition(for: "/\(i)"), message: "row \(i + 1) must be an object of variable → value, not \(row.typeName)"))
                continue
            }
            out.append(o)
        }
        if !diags.isEmpty { throw LoadError(diags) }
        if out.isEmpty { throw LoadError([Diagnostic(file: file, position: SourcePosition(line: 1, column: 1), message: "the iteration data has no rows; give at least one object, or leave out --data")]) }
        return out
    }

    /// One field as read: its text and whether it was quoted.
    struct Field {
        var text: String
        var quoted: Bool
    }

    static func csv(_ bytes: [UInt8], file: String) throws(LoadError) -> [JSONObject] {
        var records: [(line: Int, fields: [Field])] = []
        var fields: [Field] = []
        var field: [UInt8] = []
        var quoted = false
        var inQuotes = false
        var line = 1
        var recordLine = 1
        var i = 0
        var fieldStarted = false
        func endField() {
            var text = String(decoding: field, as: UTF8.self)
            if !quoted { text = text.trimmingCharacters(in: .whitespaces) }
            fields.append(Field(text: text, quoted: quoted))
            field = []
            quoted = false
            fieldStarted = false
        }
        func endRecord() {
            endField()
            // Blank lines hold one empty unquoted field: skip them.
            if !(fields.count == 1 && fields[0].text.isEmpty && !fields[0].quoted) {
                records.append((recordLine, fields))
            }
            fields = []
        }
        while i < bytes.count {
            let b = bytes[i]
            if inQuotes {
                if b == 0x22 {
                    if i + 1 < bytes.count, bytes[i + 1] == 0x22 {
                        field.append(0x22)
                        i += 2
                        continue
                    }
                    inQuotes = false
                } else {
                    if b == 0x0A { line += 1 }
                    field.append(b)
                }
                i += 1
                continue
            }
            switch b {
            case 0x22 where !fieldStarted || field.allSatisfy({ $0 == 0x20 || $0 == 0x09 }):
                // An opening quote (spaces before it are dropped).
                field = []
                quoted = true
                inQuotes = true
                fieldStarted = true
            case 0x2C:
                endField()
            case 0x0D:
                break
            case 0x0A:
                endRecord()
                line += 1
                recordLine = line
            default:
                // Text after a closing quote, or a quote inside an unquoted field, is kept
                // as it is (Newman's relaxed reading); spaces after a closing quote are not.
                if quoted && (b == 0x20 || b == 0x09) { break }
                field.append(b)
                fieldStarted = true
            }
            i += 1
        }
        if inQuotes {
            throw LoadError([Diagnostic(file: file, position: SourcePosition(line: recordLine, column: 1), message: "a quoted field opened in this row is never closed; add the closing \"")])
        }
        if fieldStarted || !field.isEmpty || !fields.isEmpty { endRecord() }
        guard let header = records.first else {
            throw LoadError([Diagnostic(file: file, position: nil, message: "the CSV file is empty; it needs a header row of variable names and one row per iteration")])
        }
        let names = header.fields.map(\.text)
        var diags: [Diagnostic] = []
        for (k, name) in names.enumerated() where name.isEmpty {
            diags.append(Diagnostic(file: file, position: SourcePosition(line: header.line, column: 1), message: "column \(k + 1) of the header row has no name"))
        }
        var rows: [JSONObject] = []
        for record in records.dropFirst() {
            guard record.fields.count == names.count else {
                diags.append(Diagnostic(file: file, position: SourcePosition(line: record.line, column: 1),
                    message: "this row has \(record.fields.count) field\(record.fields.count == 1 ? "" : "s") but the header has \(names.count) (\(names.joined(separator: ", "))); quote values that contain commas"))
                continue
            }
            var row = JSONObject()
            for (name, f) in zip(names, record.fields) { row[name] = typed(f) }
            rows.append(row)
        }
        if !diags.isEmpty { throw LoadError(diags) }
        if rows.isEmpty {
            throw LoadError([Diagnostic(file: file, position: SourcePosition(line: header.line, column: 1), message: "the CSV file has a header row but no data rows")])
        }
        return rows
    }

    static func typed(_ f: Field) -> JSON {
        if f.quoted || f.text.isEmpty { return .string(f.text) }
        if let v = try? JSONParser.parse(f.text), v.serialized() == f.text {
            switch v {
            case .integer, .double: return v
            default: break
            }
        }
        return .string(f.text)
    }
}
