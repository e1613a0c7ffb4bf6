import FathomCore
import FathomCrypto
import FathomScript
import Testing

@Suite struct EngineSmokeTests {
    @Test func chaiLoadsAndATestRuns() async throws {
        let engine = try ScriptEngine(timeoutMs: 2000, hashing: LibCrypto())
        let script = ScriptSpec(phase: .test, source: "pm.test('two', function () { pm.expect(1 + 1).to.equal(2); });", location: SourceRef(file: "t.js"), owner: "request \"r\"")
        let context: JSON = ["request": ["url": "http://x/", "method": "GET", "headers": []], "response": ["code": 200, "headers": [], "body": "{}"],
                             "variables": ["globals": [:], "collection": [:], "environment": [:], "data": [:], "local": [:]],
                             "info": ["eventName": "test", "iteration": 0, "iterationCount": 1, "requestName": "r", "requestId": "r"]]
        let outcome = await engine.run(ScriptInvocation(phase: .test, scripts: [script], context: context)) { _ in .null }
        #expect(outcome.tests.count == 1)
        #expect(outcome.tests.first?.passed == true, "\(outcome.tests)")
    }
}
