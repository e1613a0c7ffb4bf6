import ArgumentParser
import FathomReports
import Foundation

/// `fathom merge-reports OUT IN...`: the shards' JUnit or JSON reports of one run
/// merged into the report an unsharded run writes.
struct MergeReportsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge-reports",
        abstract: "Merge the JUnit or JSON reports of the shards of one run (fathom run --shard K/N) into one.",
        discussion: """
            Give every shard's report of one collection, JUnit or JSON (not both at once). The result has the \
            testcases and requests of an unsharded run, in its order, with the totals added up. Exit 0 merged; \
            2 a report is missing, doubled, of another collection or another run, or not a sharded run's report.
            """
    )

    @Argument(help: "The merged report to write (a new file, unless --force).")
    var output: String

    @Argument(help: "The shards' reports: every K of 1...N once.")
    var inputs: [String] = []

    @Flag(help: "Replace OUT if it exists.")
    var force = false

    func validate() throws {
        if inputs.isEmpty {
            throw ValidationError("give the merged report's path, then every shard's report: fathom merge-reports merged.junit.xml shard-1/x.junit.xml shard-2/x.junit.xml")
        }
    }

    func run() throws {
        let outPath = (output as NSString).standardizingPath
        var reports: [ReportMerge.Input] = []
        for path in inputs {
            if (path as NSString).standardizingPath == outPath {
                fail("\(path) is both the output and an input; write the merged report to another file")
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                var isDirectory: ObjCBool = false
                let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
                fail(exists ? (isDirectory.boolValue ? "\(path) is a directory; give the report files in it" : "cannot read \(path)") : "\(path) does not exist")
            }
            reports.append(ReportMerge.Input(path: path, bytes: Array(data)))
        }
        if FileManager.default.fileExists(atPath: output), !force {
            fail("\(output) already exists; give a new path, or --force to replace it")
        }
        let merged: (kind: ReportMerge.Kind, text: String)
        do {
            merged = try ReportMerge.merge(reports)
        } catch {
            fail(error.description)
        }
        do {
            try writeReport(merged.text, to: output)
        } catch {
            fail(error.description)
        }
        printError("fathom: merged \(inputs.count) \(merged.kind.rawValue) report\(inputs.count == 1 ? "" : "s") into \(output)")
    }

    private func fail(_ message: String) -> Never {
        printError("fathom merge-reports: \(message)")
        Foundation.exit(2)
    }
}
