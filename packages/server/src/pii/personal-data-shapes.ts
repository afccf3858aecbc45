import type {
  Company,
  DeliveryDetail,
  Person,
  Profile,
  ProfileSummary,
  SearchResults,
  StoredEvent,
  StoredRejection,
  Ticket,
  TicketDetail,
  TimelineEvent,
} from '@tandem/contract';
import { maskCall, maskDeliveryBody, maskValue, type PersonalMask } from '@tandem/engine';

// Where personal data sits in each response that carries it. A route names its shape in
// `config.personalData`; the masking hook applies the shape's function to the answer.

/** A list: `{data}`, with a `nextCursor` when paged. */
type Page<T> = { data: T[] };
/** A person shown by name and email (people list, list members, enrollments, a company's people). */
type Contact = { name: string | null; email: string | null };

function maskProfile<T extends Pick<Profile, 'traits' | 'identities'>>(profile: T, mask: PersonalMask): T {
  return { ...profile, traits: mask.record(profile.traits), identities: mask.identities(profile.identities) };
}

function maskFullProfile(profile: Profile, mask: PersonalMask): Profile {
  return { ...maskProfile(profile, mask), computedTraits: mask.record(profile.computedTraits) };
}

function maskPage<T>(
  page: Page<T>,
  mask: PersonalMask,
  maskItem: (item: T, mask: PersonalMask) => T,
): Page<T> {
  return { ...page, data: page.data.map((item) => maskItem(item, mask)) };
}

function maskEvent(event: TimelineEvent, mask: PersonalMask): TimelineEvent {
  return { ...event, properties: mask.record(event.properties), traits: mask.record(event.traits) };
}

function maskContact<T extends Contact>(person: T, mask: PersonalMask): T {
  return { ...person, name: mask.value('name', person.name), email: mask.value('email', person.email) };
}

// A ticket names its requester by email, and its custom fields may be personal.
function maskTicket<T extends Pick<Ticket, 'requesterEmail' | 'fields'>>(ticket: T, mask: PersonalMask): T {
  return {
    ...ticket,
    requesterEmail: mask.value('email', ticket.requesterEmail),
    fields: mask.record(ticket.fields),
  };
}

// The requester's messages come from their address; an agent's, from a user id (no secret).
function maskTicketDetail(ticket: TicketDetail, mask: PersonalMask): TicketDetail {
  return {
    ...maskTicket(ticket, mask),
    messages: ticket.messages.map((message) =>
      message.direction === 'inbound' && message.from.includes('@')
        ? { ...message, from: mask.value('email', message.from) }
        : message,
    ),
  };
}

// A person's hit shows a name or, without one, an email (or the id, which is no secret).
function maskSearchResults(results: SearchResults, mask: PersonalMask): SearchResults {
  const field = (text: string) => (text.includes('@') ? 'email' : 'name');
  const shown = (id: string, text: string) => (text === id ? text : mask.value(field(text), text));
  return {
    ...results,
    data: results.data.map((hit) =>
      hit.type === 'people'
        ? {
            ...hit,
            title: shown(hit.id, hit.title),
            subtitle: hit.subtitle === null ? null : mask.value(field(hit.subtitle), hit.subtitle),
            matched: shown(hit.id, hit.matched),
          }
        : hit,
    ),
  };
}

// A refused call is kept as received: an object, or a preview text when it was too large (which
// cannot be masked field by field: it is hidden whole).
function maskRejected(payload: unknown, mask: PersonalMask): unknown {
  if (typeof payload === 'string') return maskValue(payload);
  return payload !== null && typeof payload === 'object' && !Array.isArray(payload)
    ? maskCall(payload as Record<string, unknown>, mask) // checked: a JSON object
    : payload;
}

/** A stored call as the source debugger shows it, its personal fields masked. */
export function maskStoredEvent(event: StoredEvent, mask: PersonalMask): StoredEvent {
  return { ...event, payload: maskCall(event.payload, mask) };
}

/** A refused call as the source debugger shows it, its personal fields masked. */
export function maskStoredRejection(rejection: StoredRejection, mask: PersonalMask): StoredRejection {
  return { ...rejection, payload: maskRejected(rejection.payload, mask) };
}

/** Each shape's masking, by the name routes declare. */
export const PERSONAL_DATA_SHAPES = {
  profile: maskFullProfile,
  profilePage: (page: Page<ProfileSummary>, mask: PersonalMask) => maskPage(page, mask, maskProfile),
  unmergeResult: (result: { survivor: Profile; restored: Profile }, mask: PersonalMask) => ({
    survivor: maskFullProfile(result.survivor, mask),
    restored: maskFullProfile(result.restored, mask),
  }),
  timelinePage: (page: Page<TimelineEvent>, mask: PersonalMask) => maskPage(page, mask, maskEvent),
  person: (person: Person, mask: PersonalMask): Person => ({ ...person, fields: mask.record(person.fields) }),
  contact: maskContact,
  contactPage: (page: Page<Contact>, mask: PersonalMask) => maskPage(page, mask, maskContact),
  company: (company: Company, mask: PersonalMask): Company => ({
    ...company,
    people: company.people.map((person) => maskContact(person, mask)),
  }),
  searchResults: maskSearchResults,
  ticketPage: <T extends Ticket>(page: Page<T>, mask: PersonalMask) => maskPage(page, mask, maskTicket),
  ticketDetail: maskTicketDetail,
  // The source debugger: calls as stored or as refused.
  storedEvents: (page: Page<StoredEvent>, mask: PersonalMask) => maskPage(page, mask, maskStoredEvent),
  storedRejections: (page: Page<StoredRejection>, mask: PersonalMask) =>
    maskPage(page, mask, maskStoredRejection),
  // A delivery's body: the profile section and the event's call (destinations/delivery-masking.ts).
  deliveryDetail: (detail: DeliveryDetail, mask: PersonalMask): DeliveryDetail => ({
    ...detail,
    body: maskDeliveryBody(detail.body, mask),
  }),
} as const;

/** A kind of response holding personal data, as a route declares it. */
export type PersonalDataShape = keyof typeof PERSONAL_DATA_SHAPES;
