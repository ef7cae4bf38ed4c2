//! A Rust tokenizer just deep enough to find paths: identifiers, `::` and punctuation, with
//! comments (doc comments included) dropped and every literal (strings, raw strings, byte and
//! C strings, characters, numbers) reduced to an opaque [`Tok::Lit`], so nothing written inside
//! them can look like an import. Lifetimes and labels are told apart from character literals.

/// What a token is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    /// An identifier or keyword; a raw identifier (`r#type`) loses its `r#`.
    Ident(String),
    /// `::`
    PathSep,
    /// Any other punctuation character, one per token (`->` is `-` then `>`).
    Punct(char),
    /// A string, character or number literal; its text is dropped.
    Lit,
    /// A lifetime or a loop label (`'a`, `'static`).
    Lifetime,
}

/// A token and the 1-based line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub tok: Tok,
    /// The line it starts on, counting from 1.
    pub line: u32,
}

impl Token {
    /// The identifier's text, if this is one.
    pub fn ident(&self) -> Option<&str> {
        match &self.tok {
            Tok::Ident(s) => Some(s),
            _ => None,
        }
    }

    /// Whether this is the identifier `word`.
    pub fn is_ident(&self, word: &str) -> bool {
        self.ident() == Some(word)
    }

    /// Whether this is the punctuation character `c`.
    pub fn is_punct(&self, c: char) -> bool {
        self.tok == Tok::Punct(c)
    }
}

fn ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn ident_continue(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Splits Rust source into tokens. Never fails: unterminated literals and comments run to
/// the end of the input.
pub fn lex(src: &str) -> Vec<Token> {
    let s: Vec<char> = src.chars().collect();
    let at = |i: usize| s.get(i).copied().unwrap_or('\0');
    let mut out = Vec::new();
    let mut line = 1u32;
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        let start = line;
        let mut push = |tok: Tok| out.push(Token { tok, line: start });
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && at(i + 1) == '/' {
            while i < s.len() && s[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            i = block_comment(&s, i + 2, &mut line);
        } else if c == '"' {
            i = string(&s, i + 1, &mut line);
            push(Tok::Lit);
        } else if c == '\'' {
            match quote(&s, i) {
                Some((end, tok)) => {
                    i = end;
                    push(tok);
                }
                None => {
                    i += 1;
                    push(Tok::Punct('\''));
                }
            }
        } else if c.is_ascii_digit() {
            i += 1;
            while i < s.len()
                && (ident_continue(s[i]) || (s[i] == '.' && at(i + 1).is_ascii_digit()))
            {
                i += 1;
            }
            push(Tok::Lit);
        } else if ident_start(c) {
            let mut j = i;
            while j < s.len() && ident_continue(s[j]) {
                j += 1;
            }
            let word: String = s[i..j].iter().collect();
            let next = at(j);
            let raw_prefix = matches!(word.as_str(), "r" | "br" | "cr");
            if raw_prefix && (next == '"' || (next == '#' && matches!(at(j + 1), '"' | '#'))) {
                i = raw_string(&s, j, &mut line);
                push(Tok::Lit);
            } else if word == "r" && next == '#' && ident_start(at(j + 1)) {
                let mut k = j + 1;
                while k < s.len() && ident_continue(s[k]) {
                    k += 1;
                }
                push(Tok::Ident(s[j + 1..k].iter().collect()));
                i = k;
            } else if matches!(word.as_str(), "b" | "c") && next == '"' {
                i = string(&s, j + 1, &mut line);
                push(Tok::Lit);
            } else if word == "b" && next == '\'' {
                match quote(&s, j) {
                    Some((end, _)) => {
                        i = end;
                        push(Tok::Lit);
                    }
                    None => {
                        i = j;
                        push(Tok::Ident(word));
                    }
                }
            } else {
                i = j;
                push(Tok::Ident(word));
            }
        } else if c == ':' && at(i + 1) == ':' {
            i += 2;
            push(Tok::PathSep);
        } else {
            i += 1;
            push(Tok::Punct(c));
        }
    }
    out
}

/// Skips a (nested) block comment whose opening `/*` ends just before `i`.
fn block_comment(s: &[char], mut i: usize, line: &mut u32) -> usize {
    let mut depth = 1;
    while i < s.len() && depth > 0 {
        match (s[i], s.get(i + 1).copied()) {
            ('/', Some('*')) => {
                depth += 1;
                i += 2;
            }
            ('*', Some('/')) => {
                depth -= 1;
                i += 2;
            }
            ('\n', _) => {
                *line += 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    i
}

/// Skips a string body starting at `i` (just after the opening `"`), escapes included;
/// returns the index after the closing `"`.
fn string(s: &[char], mut i: usize, line: &mut u32) -> usize {
    while i < s.len() {
        match s[i] {
            '\\' => {
                if s.get(i + 1) == Some(&'\n') {
                    *line += 1;
                }
                i += 2;
            }
            '"' => return i + 1,
            '\n' => {
                *line += 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    i
}

/// Skips a raw string whose hashes (if any) start at `i`; returns the index after it.
fn raw_string(s: &[char], mut i: usize, line: &mut u32) -> usize {
    let mut hashes = 0;
    while s.get(i) == Some(&'#') {
        hashes += 1;
        i += 1;
    }
    i += 1; // the opening quote
    while i < s.len() {
        if s[i] == '"' && (1..=hashes).all(|k| s.get(i + k) == Some(&'#')) {
            return i + 1 + hashes;
        }
        if s[i] == '\n' {
            *line += 1;
        }
        i += 1;
    }
    i
}

/// At a `'`: a character literal (`'a'`, `'\n'`, `'\u{a0}'`, `'\''`) or a lifetime/label.
/// Returns where it ends and which it was, or `None` for a lone quote.
fn quote(s: &[char], i: usize) -> Option<(usize, Tok)> {
    let c1 = *s.get(i + 1)?;
    if c1 == '\\' {
        let mut j = i + 3; // past the backslash and the escaped character
        while j < s.len() && s[j] != '\'' && s[j] != '\n' {
            j += 1;
        }
        return Some((j + 1, Tok::Lit));
    }
    if s.get(i + 2) == Some(&'\'') {
        return Some((i + 3, Tok::Lit));
    }
    if ident_start(c1) {
        let mut j = i + 1;
        while j < s.len() && ident_continue(s[j]) {
            j += 1;
        }
        return Some((j, Tok::Lifetime));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idents(src: &str) -> Vec<String> {
        lex(src)
            .into_iter()
            .filter_map(|t| t.ident().map(str::to_string))
            .collect()
    }

    #[test]
    fn comments_and_doc_comments_are_dropped() {
        let src =
            "a // crate::x\n/// crate::y\n//! crate::z\n/* crate::w /* nested */ crate::v */ b";
        assert_eq!(idents(src), ["a", "b"]);
    }

    #[test]
    fn strings_of_every_kind_are_literals() {
        let src = r####"a "crate::x \" crate::y" b"crate::z" r"crate::q" r#"crate::"p"#
            br##"crate::o"# still"## c"crate::n" cr#"m"# e"####;
        assert_eq!(idents(src), ["a", "e"]);
    }

    #[test]
    fn chars_and_lifetimes() {
        let toks = lex("f<'a>('x', '\\n', '\\'', '\\u{a0}', b'\\n', 'static) 'outer: loop {}");
        let lifetimes = toks.iter().filter(|t| t.tok == Tok::Lifetime).count();
        let lits = toks.iter().filter(|t| t.tok == Tok::Lit).count();
        assert_eq!((lifetimes, lits), (3, 5));
        assert!(toks.iter().any(|t| t.is_ident("loop")));
    }

    #[test]
    fn raw_identifiers_and_path_separators() {
        let toks = lex("r#type::x");
        assert_eq!(
            toks.iter().map(|t| t.tok.clone()).collect::<Vec<_>>(),
            [
                Tok::Ident("type".into()),
                Tok::PathSep,
                Tok::Ident("x".into())
            ]
        );
    }

    #[test]
    fn lines_count_newlines_inside_literals_and_comments() {
        let toks = lex("a\n\"x\ny\"\n/* \n */ b\nr#\"\n\"# c");
        let lines: Vec<(String, u32)> = toks
            .iter()
            .filter_map(|t| t.ident().map(|s| (s.to_string(), t.line)))
            .collect();
        assert_eq!(lines, [("a".into(), 1), ("b".into(), 5), ("c".into(), 7)]);
    }

    #[test]
    fn numbers_and_ranges() {
        let toks = lex("0..10 1.5e3 x.0.1 0xffu8");
        let lits = toks.iter().filter(|t| t.tok == Tok::Lit).count();
        assert_eq!(lits, 5);
    }
}
