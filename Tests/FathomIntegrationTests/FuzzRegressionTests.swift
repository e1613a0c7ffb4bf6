import FathomFuzz
import Foundation
import Testing

/// Every fuzz target replays its seed corpus (`Fuzz/corpus/TARGET`) and every input
/// that once made it crash, hang or trap (`Fuzz/regressions/TARGET`, named after the
/// bug): a regression comes back as a crash of this test.
@Suite struct FuzzRegressionTests {
    static func inputs(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted().map { dir + "/" + $0 }
    }

    @Test(arguments: FuzzTargets.names)
    func seedsAndRegressionsRunCleanly(_ name: String) throws {
        let target = try #require(FuzzTargets.target(name))
        let seeds = Self.inputs("\(repoRoot)/Fuzz/corpus/\(name)")
        #expect(!seeds.isEmpty, "no seed corpus for \(name)")
        let regressions = Self.inputs("\(repoRoot)/Fuzz/regressions/\(name)")
        for file in seeds + regressions {
            let data = try #require(FileManager.default.contents(atPath: file))
            data.withUnsafeBytes { target($0) }
        }
    }
}
