//! The emails an applicant gets — on applying (with the way to manage the
//! application), and on each later decision: a place, a place offered with
//! its deadline, an offer lapsed, the waitlist, a rejection. Each is written
//! to the outbox in the transaction of the decision it reports.

use chrono::NaiveDateTime;

use super::model::CallRow;
use super::rules::ApplicationStatus;
use crate::db::DbConn;
use crate::error::ApiError;
use crate::notifications::{Email, SECRET_MARK, enqueue};

/// Who a message goes to.
#[derive(Debug, Clone, Copy)]
pub struct Applicant<'a> {
    pub application_id: &'a str,
    pub name: &'a str,
    pub email: &'a str,
}

fn greeting(to: &Applicant<'_>) -> String {
    format!("Dear {},\n\n", to.name)
}

const SIGNATURE: &str = "\n\n-- \nCoopera, on behalf of the organisers of the call.\n";

/// What `status` means for the applicant, in a sentence or two.
fn outcome(status: ApplicationStatus, position: Option<i64>, detail: Option<&str>) -> String {
    match status {
        ApplicationStatus::Accepted => "You have a place.".to_owned(),
        ApplicationStatus::Waitlisted => match position {
            Some(p) => format!(
                "All places are taken for now: you are number {p} on the waitlist, and a place \
                 freed by someone who withdraws goes to the first in line."
            ),
            None => "You are on the waitlist.".to_owned(),
        },
        ApplicationStatus::Submitted => "The call's reviewers will score the applications; \
                                         you will hear the result when the selection is final."
            .to_owned(),
        ApplicationStatus::Offered => format!(
            "A place has been freed and is offered to you. Confirm it before {} \
             (POST /api/v1/my-application/confirm with your management token), or it passes \
             to the next in line.",
            detail.unwrap_or("its deadline")
        ),
        ApplicationStatus::Lapsed => {
            "The place offered to you was not confirmed in time and has passed to the next in line."
                .to_owned()
        }
        ApplicationStatus::Rejected => format!(
            "Your application was not selected. {}",
            detail.unwrap_or_default()
        ),
        ApplicationStatus::Withdrawn => "Your application is withdrawn.".to_owned(),
    }
}

fn subject(status: ApplicationStatus, title: &str) -> String {
    match status {
        ApplicationStatus::Accepted => format!("You have a place: {title}"),
        ApplicationStatus::Waitlisted => format!("You are on the waitlist: {title}"),
        ApplicationStatus::Offered => format!("A place is offered to you: {title}"),
        ApplicationStatus::Lapsed => format!("The offered place has lapsed: {title}"),
        _ => format!("The result of your application: {title}"),
    }
}

/// The message on applying: received, its status now, and the management
/// token (kept apart in the outbox, erased once sent).
pub fn received(
    conn: &mut DbConn,
    call: &CallRow,
    to: Applicant<'_>,
    status: ApplicationStatus,
    position: Option<i64>,
    token: &str,
) -> Result<(), ApiError> {
    let body = format!(
        "{}your application to \"{}\" has been received.\n\n{}\n\nKeep this to read or \
         withdraw your application (send the token as the Application-Token header to \
         GET /api/v1/my-application):\n\n    {SECRET_MARK}{SIGNATURE}",
        greeting(&to),
        call.title,
        outcome(status, position, None),
    );
    enqueue(
        conn,
        Email {
            kind: "application_received",
            to: to.email,
            subject: format!("Application received: {}", call.title),
            body,
            secret: Some(token),
            application_id: Some(to.application_id),
        },
    )
}

/// The message of a decision taken after applying: `status` is the new one;
/// `position` the place on the waitlist; `detail` the offer's deadline or the
/// reason of a rejection.
pub fn decided(
    conn: &mut DbConn,
    call: &CallRow,
    to: Applicant<'_>,
    status: ApplicationStatus,
    position: Option<i64>,
    detail: Option<&str>,
) -> Result<(), ApiError> {
    let body = format!(
        "{}about your application to \"{}\":\n\n{}{SIGNATURE}",
        greeting(&to),
        call.title,
        outcome(status, position, detail),
    );
    enqueue(
        conn,
        Email {
            kind: match status {
                ApplicationStatus::Accepted => "application_accepted",
                ApplicationStatus::Waitlisted => "application_waitlisted",
                ApplicationStatus::Offered => "place_offered",
                ApplicationStatus::Lapsed => "offer_lapsed",
                _ => "application_rejected",
            },
            to: to.email,
            subject: subject(status, &call.title),
            body,
            secret: None,
            application_id: Some(to.application_id),
        },
    )
}

/// The deadline of an offer as the message shows it.
pub fn deadline(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}
