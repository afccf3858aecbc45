export { addToList, listIdsOf, liveMembersOf, removeFromList } from './list-members.js';
export { ListPersonData } from './list-person-data.js';
export { type ContactsOf, type ListsDeps, ListsService } from './lists-service.js';
