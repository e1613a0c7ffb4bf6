internal import CJavaScriptCore
import FathomCore
import Foundation

/// Why the script engine could not start.
public struct ScriptEngineError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// Postman's script sandbox on JavaScriptCore: the one module that touches JSC.
///
/// One JS context serves a whole run (the libraries are loaded once); each request's
/// scripts get fresh `pm` state in it. `pm.expect` is chai itself, loaded from
/// Debian's `libjs-chai`; `require()` loads CommonJS packages from the system's Node
/// module directory only. Scripts reach the outside world only through the host
/// calls below — there is no file, process or network access otherwise — and
/// `pm.sendRequest` goes through Fathom's own transport.
///
/// Not thread-safe: used by one run loop at a time.
public final class ScriptEngine: ScriptRunning, @unchecked Sendable {
    public static let defaultChaiPath = "/usr/share/javascript/chai/chai.js"
    public static let defaultMemoryLimitMB = 512
    public static let defaultModuleRoot = "/usr/share/nodejs"

    private let group: JSContextGroupRef
    private let context: JSGlobalContextRef
    private var fathom: JSObjectRef!
    let timeoutMs: Int
    /// The most a script may grow the process's memory by, in bytes (`--script-memory-limit`).
    let memoryLimitBytes: Int
    private let watchdog: ScriptWatchdog
    let hashing: any Hashing
    let dynamic: DynamicValues
    let modules: ModuleLoader
    /// Console lines of the invocation in flight.
    var consoleLines: [String] = []

    /// - Parameters:
    ///   - timeoutMs: the limit for each script (`--timeout-script`), CPU and waiting alike.
    ///   - memoryLimitMB: how much a script may grow the process's memory by while it
    ///     runs (`--script-memory-limit`) before it is stopped.
    ///   - hashing: digests for `CryptoJS` and `crypto-js`.
    ///   - dynamic: where `replaceIn`'s `{{$guid}}` and friends come from.
    public init(
        timeoutMs: Int = 5000, memoryLimitMB: Int = ScriptEngine.defaultMemoryLimitMB, hashing: any Hashing, dynamic: DynamicValues = .system,
        chaiPath: String = ScriptEngine.defaultChaiPath, moduleRoot: String = ScriptEngine.defaultModuleRoot
    ) throws(ScriptEngineError) {
        self.timeoutMs = max(1, timeoutMs)
        memoryLimitBytes = max(1, memoryLimitMB) * 1024 * 1024
        watchdog = ScriptWatchdog(timeoutMs: max(1, timeoutMs), memoryLimitBytes: max(1, memoryLimitMB) * 1024 * 1024)
        self.hashing = hashing
        self.dynamic = dynamic
        modules = ModuleLoader(root: moduleRoot)
        // JavaScriptCore is opened here, on the first engine of the process.
        guard fathom_jsc_load() == 0 else {
            throw ScriptEngineError(description: String(cString: fathom_jsc_error()))
        }
        group = JSContextGroupCreate()
        context = JSGlobalContextCreateInGroup(group, nil)
        guard let chai = FileManager.default.contents(atPath: chaiPath).flatMap({ String(data: $0, encoding: .utf8) }) else {
            JSGlobalContextRelease(context)
            JSContextGroupRelease(group)
            throw ScriptEngineError(description: "chai is not installed at \(chaiPath); install Debian's libjs-chai (scripts use it for pm.expect)")
        }
        installHost()
        do {
            try evaluate("var self = this; var window = undefined;", name: "fathom:setup")
            try evaluate(chai, name: chaiPath)
            try evaluate(Prelude.source, name: "fathom:prelude")
        } catch {
            JSGlobalContextRelease(context)
            JSContextGroupRelease(group)
            throw ScriptEngineError(description: "the script sandbox did not start: \(error.message)")
        }
        let global = JSContextGetGlobalObject(context)
        guard let object = property(global, "__fathom"), JSValueIsObject(context, object) else {
            JSGlobalContextRelease(context)
            JSContextGroupRelease(group)
            throw ScriptEngineError(description: "the script sandbox did not start: no __fathom object")
        }
        fathom = JSValueToObject(context, object, nil)
        JSValueProtect(context, fathom)
        if let handler = property(fathom, "unhandledRejection"), let function = JSValueToObject(context, handler, nil) {
            JSGlobalContextSetUnhandledRejectionCallback(context, function, nil)
        }
        limitExecution()
    }

    deinit {
        if let fathom { JSValueUnprotect(context, fathom) }
        JSGlobalContextRelease(context)
        JSContextGroupRelease(group)
    }

    // MARK: - ScriptRunning

    public func run(_ invocation: ScriptInvocation, sendRequest: @escaping (JSON) async -> JSON) async -> ScriptOutcome {
        consoleLines = []
        var outcome = ScriptOutcome()
        let deadline = ContinuousClock.now + .milliseconds(timeoutMs * max(1, invocation.scripts.count))
        do {
            let scripts = invocation.scripts.map { compiled($0) }
            _ = try call("invoke", JSON.object(["context": invocation.context, "scripts": .array(scripts)]).serialized())
            // Settle callbacks: pm.sendRequest, timers, async tests. Without any, the
            // first `end` returns the result.
            var mode: String?
            while true {
                let text = try call("end", mode)
                if text != "pending" {
                    outcome = Self.outcome(from: text)
                    break
                }
                let requests = try call("takeRequests")
                if case .array(let pending)? = try? JSONParser.parse(requests), !pending.isEmpty {
                    for item in pending {
                        let response = await sendRequest(item["request"] ?? .null)
                        _ = try call("deliver", JSON.object(["id": item["id"] ?? .null, "response": response]).serialized())
                    }
                    continue
                }
                let delay = Int(try call("nextTimerDelay")) ?? -1
                if delay < 0 {
                    mode = "force"
                    continue
                }
                let remaining = deadline - ContinuousClock.now
                if remaining <= .zero {
                    _ = try call("abandon", "timed out after \(timeoutMs) ms (--timeout-script) waiting for timers or asynchronous tests")
                    mode = "force"
                    continue
                }
                let wait = min(Duration.milliseconds(delay), remaining)
                if wait > .zero { try? await Task.sleep(for: wait) }
                _ = try call("fireTimers")
            }
        } catch {
            outcome.tests.append(AssertionResult(name: "script", passed: false, isImplicit: false, message: error.message, isError: true))
            outcome.context = invocation.context
        }
        outcome.console = consoleLines
        return outcome
    }

    /// A compiled script: its slot in `__fathom.compiled`, the wrapper's width, and
    /// the syntax error that kept it from compiling, if one did.
    private struct Compiled {
        var id: Int
        var prefixWidth: Int
        var error: JSON?
    }
    /// By file and text: requests that share a script (a collection's or folder's,
    /// or the same test pasted into many requests) share its compiled code.
    private var compiledScripts: [ScriptKey: Compiled] = [:]
    private struct ScriptKey: Hashable {
        var file: String
        var source: String
    }

    /// Compiles a script once, as a function in `__fathom.compiled`, so its
    /// declarations stay its own and later requests reuse the compiled code. The
    /// function opens on the script's first line, so line numbers are the script's
    /// own (columns on line 1 are corrected for the wrapper's width). Returns what
    /// the sandbox needs to run it.
    private func compiled(_ script: ScriptSpec) -> JSON {
        let key = ScriptKey(file: script.location.file, source: script.source)
        let entry: Compiled
        if let known = compiledScripts[key] {
            entry = known
        } else {
            let id = compiledScripts.count
            let prefix = "__fathom.compiled[\(id)] = function () {"
            var made = Compiled(id: id, prefixWidth: prefix.utf16.count)
            do {
                try evaluate(prefix + script.source + "\n};", name: script.location.file, startingLine: 1)
            } catch {
                // A syntax error (or a termination) escapes the wrapper: reported each time the script would run.
                made.error = ["message": .string(error.message(withPosition: false)), "line": .integer(Int64(error.line ?? 0)),
                              "column": .integer(Int64(error.column ?? 0))]
            }
            compiledScripts[key] = made
            entry = made
        }
        var descriptor: JSONObject = ["id": .integer(Int64(entry.id)), "name": .string(script.displayName),
                                      "location": .string(script.location.describe()), "prefix": .integer(Int64(entry.prefixWidth))]
        if let error = entry.error { descriptor["error"] = error }
        return .object(descriptor)
    }

    static func outcome(from text: String) -> ScriptOutcome {
        var o = ScriptOutcome()
        guard let json = try? JSONParser.parse(text) else {
            o.tests.append(AssertionResult(name: "script", passed: false, message: "the script sandbox returned no result", isError: true))
            return o
        }
        for t in json["tests"]?.arrayValue ?? [] {
            o.tests.append(AssertionResult(
                name: t["name"]?.stringValue ?? "test", passed: t["passed"] == true,
                message: t["message"]?.stringValue, isSkipped: t["skipped"] == true, isError: t["error"] == true))
        }
        o.context = json["context"] ?? .null
        switch json["nextRequest"] {
        case .string(let s)?: o.nextRequest = .named(s)
        case .null?: o.nextRequest = .stop
        default: o.nextRequest = nil
        }
        o.skipRequest = json["skipRequest"] == true
        return o
    }

    // MARK: - Calling JavaScript

    struct ScriptError: Error {
        var message: String
        var line: Int?
        var column: Int?
    }

    /// Calls `__fathom.NAME(arg)` and returns its result as text.
    @discardableResult
    func call(_ name: String, _ arg: String? = nil) throws(ScriptError) -> String {
        guard let fn = property(fathom, name), let fnObject = JSValueToObject(context, fn, nil) else {
            throw ScriptError(message: "the sandbox has no \(name)")
        }
        var exception: JSValueRef?
        var args: [JSValueRef?] = []
        if let arg { args.append(makeString(arg)) }
        watchdog.enter()
        let result = args.withUnsafeBufferPointer { buf in
            JSObjectCallAsFunction(context, fnObject, fathom, buf.count, buf.baseAddress, &exception)
        }
        if let exception { throw describe(exception) }
        guard let result, !JSValueIsUndefined(context, result) else { return "" }
        return string(result)
    }

    func evaluate(_ source: String, name: String, startingLine: Int32 = 1) throws(ScriptError) {
        let script = JSStringCreateWithUTF8CString(source)
        let url = JSStringCreateWithUTF8CString(name)
        defer {
            JSStringRelease(script)
            JSStringRelease(url)
        }
        var exception: JSValueRef?
        watchdog.enter()
        _ = JSEvaluateScript(context, script, nil, url, startingLine, &exception)
        if let exception { throw describe(exception) }
    }

    /// Stops a script that runs longer than the limit (an endless loop) or grows the
    /// process's memory by more than its bound (an allocation without end), before
    /// the operating system would: JavaScriptCore calls the watchdog every 50 ms of
    /// a script's CPU time, and it ends the script when either bound is passed.
    private func limitExecution() {
        watchdog.arm(group)
    }

    func describe(_ exception: JSValueRef) -> ScriptError {
        var message = string(exception)
        var line: Int?
        var column: Int?
        if JSValueIsObject(context, exception), let object = JSValueToObject(context, exception, nil) {
            if let l = property(object, "line"), JSValueIsNumber(context, l) { line = Int(JSValueToNumber(context, l, nil)) }
            if let c = property(object, "column"), JSValueIsNumber(context, c) { column = Int(JSValueToNumber(context, c, nil)) }
        }
        if message.contains("JavaScript execution terminated") {
            if watchdog.stoppedForMemory {
                message = "the script grew Fathom's memory by more than \(memoryLimitBytes / (1024 * 1024)) MB and was stopped (--script-memory-limit)"
                // Give back what it allocated.
                JSGarbageCollect(context)
            } else {
                message = "the script ran longer than \(timeoutMs) ms and was stopped (--timeout-script)"
            }
        }
        return ScriptError(message: message, line: line, column: column)
    }

    func property(_ object: JSObjectRef?, _ name: String) -> JSValueRef? {
        guard let object else { return nil }
        let key = JSStringCreateWithUTF8CString(name)
        defer { JSStringRelease(key) }
        return JSObjectGetProperty(context, object, key, nil)
    }

    func makeString(_ s: String) -> JSValueRef? {
        let js = JSStringCreateWithUTF8CString(s)
        defer { JSStringRelease(js) }
        return JSValueMakeString(context, js)
    }

    func string(_ value: JSValueRef?) -> String {
        guard let value, let js = JSValueToStringCopy(context, value, nil) else { return "" }
        defer { JSStringRelease(js) }
        return Self.swiftString(js)
    }

    /// A JavaScript string's text, converted by JavaScriptCore to UTF-8 in a temporary
    /// buffer and read with the standard library's UTF-8 fast path.
    static func swiftString(_ js: JSStringRef) -> String {
        let size = JSStringGetMaximumUTF8CStringSize(js)
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: max(size, 1)) { buffer in
            let written = JSStringGetUTF8CString(js, buffer.baseAddress, size)
            guard written > 1 else { return "" }
            return buffer.baseAddress!.withMemoryRebound(to: UInt8.self, capacity: written - 1) {
                String(decoding: UnsafeBufferPointer(start: $0, count: written - 1), as: UTF8.self)
            }
        }
    }

    // MARK: - The host function

    /// `__fathomHost(op, arg)`: the sandbox's only way out.
    private func installHost() {
        var definition = kJSClassDefinitionEmpty
        definition.callAsFunction = { ctx, function, _, count, arguments, exception in
            guard let ctx, let function, let engine = JSObjectGetPrivate(function).map({ Unmanaged<ScriptEngine>.fromOpaque($0).takeUnretainedValue() }) else {
                return nil
            }
            var args: [String] = []
            for i in 0..<count {
                guard let js = JSValueToStringCopy(ctx, arguments?[i], nil) else { continue }
                args.append(ScriptEngine.swiftString(js))
                JSStringRelease(js)
            }
            do {
                let result = try engine.host(args.first ?? "", args.count > 1 ? args[1] : "")
                guard let result else { return JSValueMakeUndefined(ctx) }
                let js = JSStringCreateWithUTF8CString(result)
                defer { JSStringRelease(js) }
                return JSValueMakeString(ctx, js)
            } catch {
                let js = JSStringCreateWithUTF8CString("\(error)")
                defer { JSStringRelease(js) }
                var arg: JSValueRef? = JSValueMakeString(ctx, js)
                exception?.pointee = JSObjectMakeError(ctx, 1, &arg, nil)
                return nil
            }
        }
        let cls = JSClassCreate(&definition)
        defer { JSClassRelease(cls) }
        let host = JSObjectMake(context, cls, Unmanaged.passUnretained(self).toOpaque())
        let global = JSContextGetGlobalObject(context)
        let key = JSStringCreateWithUTF8CString("__fathomHost")
        defer { JSStringRelease(key) }
        JSObjectSetProperty(context, global, key, host, JSPropertyAttributes(kJSPropertyAttributeDontEnum), nil)
    }

    struct HostError: Error, CustomStringConvertible {
        var description: String
    }

    /// The host operations. Everything a script can do outside its context is here.
    func host(_ op: String, _ arg: String) throws(HostError) -> String? {
        switch op {
        case "log":
            consoleLines.append(arg)
            return nil
        case "now":
            return String(Int64((dynamic.fixedTime ?? Date().timeIntervalSince1970) * 1000))
        case "random":
            let n = min(max(Int(arg) ?? 16, 0), 65536)
            var g = SystemRandomNumberGenerator()
            return hexEncode((0..<n).map { _ in UInt8.random(in: 0...255, using: &g) })
        case "dynamic":
            return dynamic.value(arg).map { $0.interpolationText }
        case "hash":
            return try hash(arg)
        case "resolve":
            guard let json = try? JSONParser.parse(arg), let request = json["request"]?.stringValue else {
                throw HostError(description: "require: bad request")
            }
            return try modules.resolve(request, from: json["from"]?.stringValue)
        case "read":
            return try modules.read(arg)
        default:
            throw HostError(description: "unknown host operation \(op)")
        }
    }

    /// `{"alg": "sha256", "data": "...", "encoding": "utf8"|"hex"|"base64", "key"?: "...", "keyEncoding"?: ...}` → hex.
    func hash(_ arg: String) throws(HostError) -> String {
        guard let json = try? JSONParser.parse(arg), let algName = json["alg"]?.stringValue,
            let alg = HashAlgorithm(rawValue: algName.lowercased())
        else { throw HostError(description: "unsupported hash") }
        func bytes(_ text: String?, _ encoding: String?) throws(HostError) -> [UInt8] {
            let text = text ?? ""
            switch encoding ?? "utf8" {
            case "hex":
                var out: [UInt8] = []
                var it = Array(text.utf8)[...]
                while it.count >= 2 {
                    guard let b = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16) else { throw HostError(description: "invalid hex") }
                    out.append(b)
                    it = it.dropFirst(2)
                }
                return out
            case "base64":
                guard let d = Data(base64Encoded: text) else { throw HostError(description: "invalid base64") }
                return [UInt8](d)
            case "latin1":
                return text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
            default:
                return Array(text.utf8)
            }
        }
        let data = try bytes(json["data"]?.stringValue, json["encoding"]?.stringValue)
        if let key = json["key"]?.stringValue {
            return hexEncode(hashing.hmac(alg, key: try bytes(key, json["keyEncoding"]?.stringValue), data: data))
        }
        return hexEncode(hashing.hash(alg, data))
    }
}

extension ScriptEngine.ScriptError {
    func message(withPosition: Bool) -> String {
        guard withPosition, let line, line > 0 else { return message }
        return message + " (line \(line)\(column.map { ", column \($0)" } ?? ""))"
    }
}

extension Error {
    var message: String {
        if let e = self as? ScriptEngine.ScriptError { return e.message(withPosition: true) }
        return "\(self)"
    }
}

/// The bounds of one entry into JavaScript, checked by JavaScriptCore's execution
/// time limit callback, which is called on the script's thread while it runs.
final class ScriptWatchdog: @unchecked Sendable {
    /// Seconds of a script's CPU time between two checks.
    static let tick = 0.05

    let timeoutMs: Int
    let memoryLimitBytes: Int
    private var started = ContinuousClock.now
    private var residentAtStart = 0
    private(set) var stoppedForMemory = false
    /// `/proc/self/statm`, kept open: it is read before every entry into JavaScript
    /// (twice a request), so one `pread` rather than an open, a read and a close.
    private let statm = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)
    private let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    init(timeoutMs: Int, memoryLimitBytes: Int) {
        self.timeoutMs = timeoutMs
        self.memoryLimitBytes = memoryLimitBytes
    }

    deinit { if statm >= 0 { close(statm) } }

    /// Called before each entry into JavaScript.
    func enter() {
        started = .now
        residentAtStart = residentBytes()
        stoppedForMemory = false
    }

    /// Asks JavaScriptCore to call the watchdog after the next tick of a script's CPU time.
    func arm(_ group: JSContextGroupRef) {
        self.group = group
        JSContextGroupSetExecutionTimeLimit(group, Self.tick, scriptWatchdogCallback, Unmanaged.passUnretained(self).toOpaque())
    }

    private(set) var group: JSContextGroupRef?

    /// True ends the script.
    func shouldTerminate() -> Bool {
        if residentBytes() - residentAtStart > memoryLimitBytes {
            stoppedForMemory = true
            return true
        }
        return ContinuousClock.now - started >= .milliseconds(timeoutMs)
    }

    /// The process's resident memory (the second field of `/proc/self/statm`, in
    /// pages), 0 where it cannot be read.
    func residentBytes() -> Int {
        guard statm >= 0 else { return 0 }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { buffer -> Int in
            let n = pread(statm, buffer.baseAddress, buffer.count, 0)
            guard n > 0 else { return 0 }
            var field = 0
            var pages = 0
            for byte in buffer[..<n] {
                if byte == 0x20 {
                    field += 1
                    if field > 1 { break }
                } else if field == 1, byte >= 0x30, byte <= 0x39 {
                    pages = pages * 10 + Int(byte - 0x30)
                }
            }
            return pages * pageSize
        }
    }
}

/// JavaScriptCore's callback: ends the script, or arms the next tick (JavaScriptCore
/// does not call a callback again unless it sets a new limit).
private let scriptWatchdogCallback: @convention(c) (JSContextRef?, UnsafeMutableRawPointer?) -> Bool = { _, context in
    guard let context else { return true }
    let watchdog = Unmanaged<ScriptWatchdog>.fromOpaque(context).takeUnretainedValue()
    if watchdog.shouldTerminate() { return true }
    if let group = watchdog.group { watchdog.arm(group) }
    return false
}
