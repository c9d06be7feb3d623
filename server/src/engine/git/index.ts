export * from './repository';
export * from './treeFs';
export * from './promotion';
