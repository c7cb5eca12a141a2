extension TransferRecord {
    /// How `lastError` begins when a transfer died of running out of attempts or age rather than
    /// of a refusal (`DeadLetterFilter.ErrorClass.exhausted`).
    public static let exhaustedPrefix = "gave up after "

    /// Stored in clear beside the (sealed) last error, for the dead letters' `errorClass` filter.
    var isExhausted: Int {
        lastError?.hasPrefix(Self.exhaustedPrefix) == true ? 1 : 0
    }
}

enum DeadLetterSQL {
    /// The page query for `filter`: one text per combination of filters present; values are
    /// bound. The state is a literal so SQLite can use the partial index `transfers_dead`.
    static func page(matching filter: DeadLetterFilter, after: Int64?, limit: Int) -> (String, SQLiteConnection.Arguments) {
        var conditions = ["t.state = 'dead'"]
        var arguments: SQLiteConnection.Arguments = []
        func add(_ condition: String, _ value: (any SQLiteBindable)?) {
            guard let value else { return }
            conditions.append(condition)
            arguments.append(value)
        }
        add("t.destination = ?", filter.destination)
        add("t.case_id IN (SELECT id FROM cases WHERE matter_code = ?)", filter.matterCode)
        add("t.case_id IN (SELECT id FROM cases WHERE case_number = ?)", filter.caseNumber)
        switch filter.errorClass {
        case .exhausted?: add("t.exhausted = ?", 1)
        case .permanent?: add("t.exhausted = ?", 0)
        case nil: break
        }
        add("(SELECT a.partner_code FROM attempts AS a WHERE a.transfer_id = t.id ORDER BY a.number DESC LIMIT 1) = ?", filter.partnerCode)
        add("t.finished_at >= ?", filter.diedFrom)
        add("t.finished_at < ?", filter.diedTo)
        add("t.id < ?", after)
        arguments.append(limit)
        let columns = Columns.transfers.split(separator: ",").map { "t." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        return ("SELECT \(columns.joined(separator: ", ")) FROM transfers AS t WHERE \(conditions.joined(separator: " AND ")) ORDER BY t.id DESC LIMIT ?",
                arguments)
    }
}

extension SQLiteQueries {
    func deadLetters(matching filter: DeadLetterFilter, after: Int64?, limit: Int) throws -> [TransferRecord] {
        let (sql, arguments) = DeadLetterSQL.page(matching: filter, after: after, limit: limit)
        return try db.query(sql, arguments, row: { try TransferRecord(row: $0, keys: keys) })
    }
}
