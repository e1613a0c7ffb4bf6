import ArgumentParser
import FathomCore
import FathomPostman
import Foundation

/// The files a command is given, each read by the front end that its content calls
/// for: a directory or a request file by Fathom's loader, a Postman collection,
/// environment or globals file by `FathomPostman`. A file of the wrong kind is
/// refused with what it looks like and where it should go.
enum Inputs {
    /// The text of a GraphQL SDL file, or a message and exit status 2.
    static func schemaText(_ path: String) throws(ExitCode) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            printError("\(path): error: cannot read the schema file; give a GraphQL SDL file")
            throw ExitCode(2)
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func loadCollection(_ path: String, workingDirectory: String) throws(LoadError) -> CollectionSpec {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw LoadError([Diagnostic(file: path, position: nil, message: "no such file or directory; give a collection directory, a request .json file or a Postman collection file")])
        }
        if isDir.boolValue { return try CollectionLoader.load(path) }
        if path.lowercased().hasSuffix(".csv") {
            throw wrongKind(path, .other("CSV iteration data"), "give it with -d/--data, and the collection as the first argument")
        }
        let file = try PostmanFile.read(path)
        let kind = FileKind.of(file.json)
        switch kind {
        case .postmanCollection, .postmanV1Collection:
            return try PostmanReader(workingDirectory: workingDirectory).read(file)
        case .fathomRequest:
            return try CollectionLoader.load(path)
        case .fathomCollectionSettings:
            throw wrongKind(path, kind, "give the collection's directory instead: fathom run \((path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent)")
        case .postmanEnvironment, .postmanGlobals, .legacyGlobals, .iterationData:
            throw wrongKind(path, kind, "give it with \(kind.flag ?? "its flag"), and the collection as the first argument")
        case .newmanOptions:
            throw wrongKind(path, kind, "Fathom takes these options as flags: fathom run COLLECTION --insecure --timeout-request MS ...")
        case .flatObject, .other:
            throw wrongKind(path, kind, "expected a Postman collection (an object with \"info\" and an \"item\" list), a Fathom request file (with \"url\" or \"graphql\"), or a collection directory")
        }
    }

    /// `--env NAME|PATH`: a Postman environment export or a Fathom environment file.
    static func loadEnvironment(_ nameOrPath: String, collectionRoot: String?) throws(LoadError) -> EnvironmentValues {
        let path = try EnvironmentLoader.locate(nameOrPath, collectionRoot: collectionRoot)
        return try loadVariables(path, role: "an environment", flag: "-e/--env")
    }

    /// `--globals PATH`: a Postman globals file (or its legacy bare-array form), a
    /// Postman environment, or a Fathom environment file.
    static func loadGlobals(_ path: String) throws(LoadError) -> EnvironmentValues {
        guard FileManager.default.fileExists(atPath: path) else {
            throw LoadError([Diagnostic(file: path, position: nil, message: "globals file not found")])
        }
        return try loadVariables(path, role: "globals", flag: "-g/--globals")
    }

    private static func loadVariables(_ path: String, role: String, flag: String) throws(LoadError) -> EnvironmentValues {
        let file = try PostmanFile.read(path)
        let kind = FileKind.of(file.json)
        switch kind {
        case .postmanEnvironment, .postmanGlobals, .legacyGlobals:
            return try PostmanVariables.read(file)
        case .postmanCollection, .postmanV1Collection, .iterationData, .fathomCollectionSettings, .newmanOptions:
            throw wrongKind(path, kind, "\(flag) takes \(role): a Postman environment/globals export or a flat JSON object of name → value" + (kind.flag.map { "; give this file as \($0)" } ?? ""))
        case .other:
            throw wrongKind(path, kind, "\(flag) takes \(role): a Postman environment/globals export or a flat JSON object of name → value")
        case .fathomRequest, .flatObject:
            // Fathom's own format: read strictly (duplicate keys are errors).
            var diags: [Diagnostic] = []
            guard let (json, map) = CollectionLoader.parseFile(path, into: &diags) else { throw LoadError(diags) }
            return try EnvironmentLoader.read(json, map: map, path: path, processEnvironment: ProcessInfo.processInfo.environment)
        }
    }

    /// `--data FILE`: JSON rows or CSV.
    static func loadData(_ path: String) throws(LoadError) -> [JSONObject] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw LoadError([Diagnostic(file: path, position: nil, message: "iteration data file not found")])
        }
        if !path.lowercased().hasSuffix(".csv"), let data = FileManager.default.contents(atPath: path),
            let (bytes, _) = TextDecoding.utf8(data), let json = try? JSONParser.parse(bytes)
        {
            if case .array = json {} else {
                let kind = FileKind.of(json)
                throw wrongKind(path, kind, "-d/--data takes iteration data: a JSON array of objects (one per iteration) or a CSV file with a header row" + (kind.flag.map { "; give this file as \($0)" } ?? ""))
            }
        }
        return try IterationData.load(path)
    }

    static func wrongKind(_ path: String, _ kind: FileKind, _ advice: String) -> LoadError {
        LoadError([Diagnostic(file: path, position: SourcePosition(line: 1, column: 1), message: "this looks like \(kind.description); \(advice)")])
    }
}
