// react and react-dom ship without types and @types/react is not a dependency: the sandbox's
// browser code sees them as untyped modules
declare module 'react';
declare module 'react-dom/client';
