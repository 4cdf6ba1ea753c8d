//! A small JSON reader that remembers where each value starts, so that a rule file's
//! errors — an unknown fact, a type mismatch, a parameter without a value — name the
//! line staff must fix, not only the syntax errors a plain parser would locate.

/// A JSON value and the line (1-based) it starts on.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub line: u32,
    pub value: Json,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Node>),
    /// Members in file order (duplicate keys are an error).
    Obj(Vec<(String, Node)>),
}

/// A syntax error: line and message, in English and Italian.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    pub line: u32,
    pub message: String,
    pub message_it: String,
}

/// Parses a whole document.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let mut p = Parser { bytes: text.as_bytes(), pos: 0, line: 1, depth: 0 };
    p.skip_space();
    let node = p.value()?;
    p.skip_space();
    if p.pos < p.bytes.len() {
        return Err(p.error("unexpected text after the end of the document", "testo dopo la fine del documento"));
    }
    Ok(node)
}

/// Deeper nesting than any rule needs: refused rather than overflowing the stack.
const MAX_DEPTH: u32 = 64;

struct Parser<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: u32,
    depth: u32,
}

impl Parser<'_> {
    fn error(&self, message: &str, message_it: &str) -> SyntaxError {
        SyntaxError { line: self.line, message: message.to_string(), message_it: message_it.to_string() }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b'\n' => self.line += 1,
                b' ' | b'\t' | b'\r' => {}
                _ => break,
            }
            self.pos += 1;
        }
    }

    fn expect(&mut self, b: u8) -> Result<(), SyntaxError> {
        self.skip_space();
        if self.peek() == Some(b) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(&format!("expected `{}`", b as char), &format!("qui va «{}»", b as char)))
        }
    }

    fn value(&mut self) -> Result<Node, SyntaxError> {
        self.skip_space();
        let line = self.line;
        let value = match self.peek() {
            None => return Err(self.error("unexpected end of the document", "il documento finisce prima del previsto")),
            Some(b'{') => self.object()?,
            Some(b'[') => self.array()?,
            Some(b'"') => Json::Str(self.string()?),
            Some(b't') => self.word("true", Json::Bool(true))?,
            Some(b'f') => self.word("false", Json::Bool(false))?,
            Some(b'n') => self.word("null", Json::Null)?,
            Some(b'-' | b'0'..=b'9') => Json::Num(self.number()?),
            Some(_) => return Err(self.error("expected a value", "qui va un valore")),
        };
        Ok(Node { line, value })
    }

    fn word(&mut self, word: &str, value: Json) -> Result<Json, SyntaxError> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error("expected a value", "qui va un valore"))
        }
    }

    fn nest(&mut self) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("nested too deeply", "troppi livelli annidati"));
        }
        Ok(())
    }

    fn object(&mut self) -> Result<Json, SyntaxError> {
        self.nest()?;
        self.pos += 1;
        let mut members: Vec<(String, Node)> = Vec::new();
        self.skip_space();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Json::Obj(members));
        }
        loop {
            self.skip_space();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a quoted key", "qui va una chiave tra virgolette"));
            }
            let key = self.string()?;
            if members.iter().any(|(k, _)| *k == key) {
                return Err(self.error(&format!("`{key}` appears twice"), &format!("«{key}» compare due volte")));
            }
            self.expect(b':')?;
            let value = self.value()?;
            members.push((key, value));
            self.skip_space();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(Json::Obj(members));
                }
                _ => return Err(self.error("expected `,` or `}`", "qui va «,» oppure «}»")),
            }
        }
    }

    fn array(&mut self) -> Result<Json, SyntaxError> {
        self.nest()?;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_space();
        if self.peek() == Some(b']') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Json::Arr(items));
        }
        loop {
            items.push(self.value()?);
            self.skip_space();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(Json::Arr(items));
                }
                _ => return Err(self.error("expected `,` or `]`", "qui va «,» oppure «]»")),
            }
        }
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            let Some(b) = self.peek() else { return Err(self.error("unterminated string", "stringa non chiusa")) };
            self.pos += 1;
            match b {
                b'"' => break,
                b'\n' => return Err(self.error("line break inside a string", "a capo dentro una stringa")),
                b'\\' => {
                    let Some(e) = self.peek() else {
                        return Err(self.error("unterminated string", "stringa non chiusa"));
                    };
                    self.pos += 1;
                    let c = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'n' => '\n',
                        b't' => '\t',
                        b'r' => '\r',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'u' => {
                            let hex = self
                                .bytes
                                .get(self.pos..self.pos + 4)
                                .ok_or_else(|| self.error("bad \\u escape", "sequenza \\u non valida"))?;
                            let code = std::str::from_utf8(hex)
                                .ok()
                                .and_then(|h| u32::from_str_radix(h, 16).ok())
                                .ok_or_else(|| self.error("bad \\u escape", "sequenza \\u non valida"))?;
                            self.pos += 4;
                            char::from_u32(code).unwrap_or('\u{fffd}')
                        }
                        _ => return Err(self.error("unknown escape", "sequenza di escape sconosciuta")),
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                _ => out.push(b),
            }
        }
        String::from_utf8(out).map_err(|_| self.error("invalid UTF-8 in a string", "UTF-8 non valido in una stringa"))
    }

    fn number(&mut self) -> Result<f64, SyntaxError> {
        let start = self.pos;
        while let Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        let text = std::str::from_utf8(&self.bytes[start..self.pos])
            .map_err(|_| self.error("bad number", "numero non valido"))?;
        match text.parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(n),
            _ => Err(self.error(&format!("`{text}` is not a number"), &format!("«{text}» non è un numero"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_know_their_line() {
        let doc = parse("{\n  \"a\": [1, 2.5e1],\n  \"b\": {\n    \"c\": \"x\\u00e8\"\n  }\n}").unwrap();
        let Json::Obj(members) = doc.value else { panic!("not an object") };
        assert_eq!(members[0].1.line, 2);
        assert_eq!(members[1].1.line, 3);
        let Json::Obj(inner) = &members[1].1.value else { panic!("not an object") };
        assert_eq!(inner[0].1, Node { line: 4, value: Json::Str("xè".into()) });
    }

    #[test]
    fn syntax_errors_name_their_line() {
        assert_eq!(parse("{\n\"a\": 1,\n\"a\": 2}").unwrap_err().line, 3);
        assert_eq!(parse("[1,\n2,\n]").unwrap_err().line, 3);
        assert!(parse("[1] x").is_err());
        assert!(parse(&"[".repeat(100)).is_err());
        assert!(parse("1e999").is_err());
    }
}
