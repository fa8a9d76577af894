//! The typed AST of a `show_if` expression.

/// A byte range inside the expression string (0-based, end exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// A reference to a question, or to one row of a matrix (`question.row`).
#[derive(Debug, Clone, PartialEq)]
pub struct Ref {
    pub question: String,
    pub row: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Number(f64),
    Str(String),
    Bool(bool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    /// `answered(q)`
    Answered(Ref),
    /// `q op literal`
    Compare {
        target: Ref,
        op: CmpOp,
        /// Where the operator stands.
        op_span: Span,
        value: Literal,
        value_span: Span,
    },
    /// `'value' in q` (multi)
    Contains {
        value: Literal,
        value_span: Span,
        target: Ref,
    },
    /// `q in ['a', 'b']` (choice, and numbers)
    InList {
        target: Ref,
        values: Vec<(Literal, Span)>,
    },
}

impl Expr {
    /// Every question reference in the expression, left to right.
    pub fn refs(&self) -> Vec<&Ref> {
        let mut out = Vec::new();
        self.collect_refs(&mut out);
        out
    }

    fn collect_refs<'a>(&'a self, out: &mut Vec<&'a Ref>) {
        match self {
            Expr::Or(a, b) | Expr::And(a, b) => {
                a.collect_refs(out);
                b.collect_refs(out);
            }
            Expr::Not(a) => a.collect_refs(out),
            Expr::Answered(r) => out.push(r),
            Expr::Compare { target, .. }
            | Expr::Contains { target, .. }
            | Expr::InList { target, .. } => out.push(target),
        }
    }
}
