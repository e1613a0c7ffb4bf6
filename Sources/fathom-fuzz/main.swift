import CFuzz
import FathomFuzz
import Foundation

// fathom-fuzz TARGET [libFuzzer options and corpus directories...]
//
// Built by scripts/fuzz with libFuzzer (libclang_rt.fuzzer_no_main), address
// sanitizer and coverage instrumentation, it fuzzes TARGET. Built plainly (as in
// `swift build`), it only replays the files it is given, once each.

nonisolated(unsafe) var selected: ((UnsafeRawBufferPointer) -> Void)?

let arguments = CommandLine.arguments
guard arguments.count >= 2, let target = FuzzTargets.target(arguments[1]) else {
    FileHandle.standardError.write(Data("usage: fathom-fuzz TARGET [libFuzzer options] [corpus directories or files]\ntargets: \(FuzzTargets.names.joined(separator: ", "))\n".utf8))
    exit(2)
}
selected = target

if fathom_fuzz_available() != 0 {
    // libFuzzer's argv: the program name, then everything after TARGET.
    var cArguments: [UnsafeMutablePointer<CChar>?] = ([arguments[0]] + arguments.dropFirst(2)).map { strdup($0) } + [nil]
    var argc = Int32(cArguments.count - 1)
    let status = cArguments.withUnsafeMutableBufferPointer { buffer -> Int32 in
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = buffer.baseAddress
        return fathom_fuzz_run(&argc, &argv) { data, size in
            selected?(UnsafeRawBufferPointer(start: data, count: size))
            return 0
        }
    }
    exit(status)
}

// Replay: every file given, and every file of every directory given.
var files: [String] = []
for path in arguments.dropFirst(2) where !path.hasPrefix("-") {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
    if isDirectory.boolValue {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        files += names.sorted().map { path + "/" + $0 }
    } else {
        files.append(path)
    }
}
for file in files {
    guard let data = FileManager.default.contents(atPath: file) else { continue }
    data.withUnsafeBytes { target($0) }
}
print("fathom-fuzz: \(arguments[1]): replayed \(files.count) input(s); built without libFuzzer (scripts/fuzz builds it with)")
