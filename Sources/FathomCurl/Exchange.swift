import CCurl
import FathomCore

/// The per-handle scratch state the libcurl callbacks write into. One instance
/// lives as long as its transport and is reused by every exchange, so buffers keep
/// their capacity between requests. Only touched while the transport's lock is held
/// (the callbacks run inside `curl_easy_perform` on the calling thread), except for
/// `cancelTicket`, which is atomic.
final class Exchange {
    /// The final response's body so far (reset when a new response starts, e.g.
    /// after a redirect or an authentication round trip).
    var body: [UInt8] = []
    /// The final response's header fields so far.
    var headers: [HTTPHeader] = []
    /// `Int.max` when unlimited.
    var maxBodyBytes = Int.max
    /// Set by the write callback when it refuses data because of `maxBodyBytes`.
    var exceededLimit = false
    /// The ticket of the request in flight; a cancellation handler stores its own
    /// ticket into `cancelTicket`, and the progress callback aborts when they match.
    var currentTicket = 0
    let cancelTicket: UnsafeMutablePointer<Int>
    /// Source of request tickets.
    let ticketCounter: UnsafeMutablePointer<Int>
    /// CURLOPT_ERRORBUFFER.
    let errorBuffer: UnsafeMutablePointer<CChar>
    /// Reused to build `Name: value` lines for the request header list.
    var lineScratch: [CChar] = []

    init() {
        cancelTicket = .allocate(capacity: 1)
        cancelTicket.initialize(to: 0)
        ticketCounter = .allocate(capacity: 1)
        ticketCounter.initialize(to: 0)
        errorBuffer = .allocate(capacity: Int(fathom_curl_error_size))
        errorBuffer.initialize(repeating: 0, count: Int(fathom_curl_error_size))
        body.reserveCapacity(16 * 1024)
        headers.reserveCapacity(16)
        lineScratch.reserveCapacity(256)
    }

    deinit {
        cancelTicket.deallocate()
        ticketCounter.deallocate()
        errorBuffer.deallocate()
    }

    /// Prepares for a new exchange.
    func begin(maxBodyBytes: Int?, ticket: Int) {
        body.removeAll(keepingCapacity: true)
        headers.removeAll(keepingCapacity: true)
        self.maxBodyBytes = maxBodyBytes ?? .max
        exceededLimit = false
        currentTicket = ticket
        errorBuffer[0] = 0
    }

    /// Hands out the finished response's body and headers. Small bodies are copied
    /// out exactly sized so the scratch buffer keeps its capacity; large ones are
    /// handed over whole rather than copied.
    func takeResult() -> (body: [UInt8], headers: [HTTPHeader]) {
        let result: [UInt8]
        if body.count > 256 * 1024 {
            result = body
            body = []
            body.reserveCapacity(16 * 1024)
        } else {
            result = body.withUnsafeBufferPointer { [UInt8]($0) }
            body.removeAll(keepingCapacity: true)
        }
        let fields = headers
        headers.removeAll(keepingCapacity: true)  // copies capacity, not elements
        return (result, fields)
    }

    // MARK: - Callback bodies

    @inline(__always)
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if bytes.count > maxBodyBytes - body.count {
            exceededLimit = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    /// One header line as libcurl delivers it: a status line, a field line, or the
    /// blank line that ends a header block. libcurl calls this for every response
    /// it reads (1xx, redirects, auth challenges), so a status line starts over.
    func receiveHeaderLine(_ raw: UnsafeRawBufferPointer) {
        var end = raw.count
        while end > 0, raw[end - 1] == 0x0A || raw[end - 1] == 0x0D { end -= 1 }
        if end == 0 { return }
        let line = UnsafeRawBufferPointer(rebasing: raw[0..<end])

        // "HTTP/1.1 200 OK", "HTTP/2 200": a new response begins.
        if end >= 5, line[0] == 0x48, line[1] == 0x54, line[2] == 0x54, line[3] == 0x50, line[4] == 0x2F {
            headers.removeAll(keepingCapacity: true)
            body.removeAll(keepingCapacity: true)
            exceededLimit = false
            return
        }

        // Obsolete line folding: a continuation of the previous field's value.
        if line[0] == 0x20 || line[0] == 0x09 {
            guard !headers.isEmpty else { return }
            let more = Exchange.trimmed(line, from: 0, to: end)
            if !more.isEmpty {
                headers[headers.count - 1].value += " " + String(decoding: more, as: UTF8.self)
            }
            return
        }

        guard let colon = line.firstIndex(of: 0x3A) else { return }
        let name = String(decoding: UnsafeRawBufferPointer(rebasing: line[0..<colon]), as: UTF8.self)
        let value = String(decoding: Exchange.trimmed(line, from: colon + 1, to: end), as: UTF8.self)
        headers.append(HTTPHeader(name, value))
    }

    @inline(__always)
    private static func trimmed(_ line: UnsafeRawBufferPointer, from: Int, to: Int) -> UnsafeRawBufferPointer {
        var start = from
        var end = to
        while start < end, line[start] == 0x20 || line[start] == 0x09 { start += 1 }
        while end > start, line[end - 1] == 0x20 || line[end - 1] == 0x09 { end -= 1 }
        return UnsafeRawBufferPointer(rebasing: line[start..<end])
    }
}

// MARK: - C callbacks (no captures; the Exchange arrives as userdata)

func fathomCurlWrite(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?
) -> Int {
    let length = size &* count
    guard let userdata, length > 0, let data else { return length }
    let exchange = Unmanaged<Exchange>.fromOpaque(userdata).takeUnretainedValue()
    // Returning anything but `length` makes libcurl fail with CURLE_WRITE_ERROR.
    return exchange.receiveBody(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
}

func fathomCurlHeader(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?
) -> Int {
    let length = size &* count
    guard let userdata, length > 0, let data else { return length }
    let exchange = Unmanaged<Exchange>.fromOpaque(userdata).takeUnretainedValue()
    exchange.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
    return length
}

func fathomCurlProgress(
    _ userdata: UnsafeMutableRawPointer?, _ dltotal: curl_off_t, _ dlnow: curl_off_t,
    _ ultotal: curl_off_t, _ ulnow: curl_off_t
) -> Int32 {
    guard let userdata else { return 0 }
    let exchange = Unmanaged<Exchange>.fromOpaque(userdata).takeUnretainedValue()
    // Non-zero aborts the transfer with CURLE_ABORTED_BY_CALLBACK.
    return fathom_atomic_load(exchange.cancelTicket) == exchange.currentTicket ? 1 : 0
}
